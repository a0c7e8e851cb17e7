/**
 * A text chart of how the sync's costs grow with a workspace's size, for the README, drawn from the
 * JSON line `npm run bench sync-scale` prints last:
 *
 *   npm run bench sync-scale | tail -1 > scale.json && npx tsx scripts/perf-chart.ts scale.json
 *
 * One block per figure, one bar per size, each bar scaled to the largest value of its figure.
 */
import { readFileSync } from 'node:fs';

interface Row {
  bench: string;
  case: string;
  onboardings?: number;
  [figure: string]: string | number | undefined;
}

const FIGURES: Array<[key: string, label: string]> = [
  ['read_model_s', 'time to a complete read model (s)'],
  ['requests', 'Pivotal requests'],
  ['requests_per_min', 'requests per minute (bucket 600, sync share 300)'],
  ['rss_peak_mb', 'peak resident memory (MB)'],
  ['db_mb', 'database on disk (MB)'],
  ['home_p95_ms', 'Home p95 (ms)'],
];
const WIDTH = 40;

function chart(rows: Row[]): string {
  // One row per size; the bench's last row (growth between sizes) is left out.
  const sized = rows.filter((r) => r.bench === 'sync-scale' && !r.case.startsWith('growth'));
  const label = (r: Row) => `${Number(r.onboardings).toLocaleString('en')}`.padStart(7);
  const blocks = FIGURES.map(([key, title]) => {
    const max = Math.max(...sized.map((r) => Number(r[key] ?? 0)));
    const bars = sized.map((r) => {
      const value = Number(r[key] ?? 0);
      const cells = max > 0 ? Math.max(value > 0 ? 1 : 0, Math.round((value / max) * WIDTH)) : 0;
      return `${label(r)} │${'█'.repeat(cells)} ${value}`;
    });
    return [title, ...bars].join('\n');
  });
  return blocks.join('\n\n');
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npx tsx scripts/perf-chart.ts <file with the bench JSON line>\n');
  process.exit(2);
}
const line = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '{}';
const { rows } = JSON.parse(line) as { rows?: Row[] };
process.stdout.write(`${chart(rows ?? [])}\n`);
