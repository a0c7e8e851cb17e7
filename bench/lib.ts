/**
 * Shared shape of every benchmark: a bench returns rows of named figures; bench/run.ts prints them as
 * a table and as one JSON line. Figures are medians of several runs, measured on the machine at hand.
 */
export interface BenchRow {
  bench: string;
  case: string;
  [figure: string]: string | number;
}

export interface Bench {
  name: string;
  run(opts: { runs: number }): Promise<BenchRow[]>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Runs `once` several times and keeps the median of each figure it returns. */
export async function medianOf(
  runs: number,
  once: () => Promise<Record<string, number>>,
): Promise<Record<string, number>> {
  const samples: Array<Record<string, number>> = [];
  for (let i = 0; i < runs; i += 1) samples.push(await once());
  const out: Record<string, number> = {};
  for (const key of Object.keys(samples[0] ?? {})) out[key] = round(median(samples.map((s) => s[key]!)));
  return out;
}

/** One table per bench, each with its own columns, in the order the benches ran. */
export function printTable(rows: readonly BenchRow[]): string {
  const benches = [...new Set(rows.map((r) => r.bench))];
  return benches.map((bench) => table(rows.filter((r) => r.bench === bench))).join('\n\n');
}

function table(rows: readonly BenchRow[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const width = (c: string) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((c) => c.padEnd(width(c)))),
    line(columns.map((c) => '-'.repeat(width(c)))),
    ...rows.map((r) => line(columns.map((c) => String(r[c] ?? '').padEnd(width(c))))),
  ].join('\n');
}

/** The most timestamps (sorted, ms) that fall within any one window of `windowMs`: the busiest "minute". */
export function busiestWindow(sortedTimes: readonly number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; j < sortedTimes.length; j += 1) {
    while (sortedTimes[j]! - sortedTimes[i]! >= windowMs) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return most;
}
