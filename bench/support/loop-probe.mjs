// Preloaded into the app's process by bench/loop-delay.ts (node --import): measures how long the event
// loop is held, from the end of start-up (module loading and migrations are not what is measured)
// until the process exits, and writes the figures to LOOP_PROBE_OUT as JSON.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const out = process.env.LOOP_PROBE_OUT;
const startUpMs = Number(process.env.LOOP_PROBE_SKIP_MS ?? 2_500);
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
setTimeout(() => histogram.reset(), startUpMs).unref();

process.on('exit', () => {
  histogram.disable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  writeFileSync(
    out,
    JSON.stringify({ maxMs: ms(histogram.max), p99Ms: ms(histogram.percentile(99)), meanMs: ms(histogram.mean) }),
  );
});
