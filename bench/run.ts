import { cpus } from 'node:os';
import { printTable, type Bench, type BenchRow } from './lib.js';
import { benches } from './index.js';

/** `npm run bench [name…]`: runs every bench (or the named ones), prints a table and one JSON line. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const selected: Bench[] = only.length ? benches.filter((b) => only.includes(b.name)) : benches;
  const rows: BenchRow[] = [];
  for (const bench of selected) {
    process.stderr.write(`running ${bench.name} (${runs} runs)…\n`);
    rows.push(...(await bench.run({ runs })));
  }
  process.stdout.write(`\n${printTable(rows)}\n\n`);
  process.stdout.write(`${JSON.stringify({ machine: { cores: cpus().length, node: process.version }, runs, rows })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
