// Preloaded into a process under test (NODE_OPTIONS="--import <this file>") by drain-tail.ts:
// records the process's event-loop delay (monitorEventLoopDelay, 1 ms resolution) and every GC
// pause (PerformanceObserver 'gc'). Each SIGUSR2 appends one JSON line to $KITEMQ_PROBE_OUT with
// what was seen since the previous signal and starts a new window, so a bench can bracket one
// scenario. Plain JS: it must load before any TypeScript hook.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const out = process.env.KITEMQ_PROBE_OUT;
if (out) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  /** GC kinds of perf_hooks: 1 minor (scavenge), 2 major, 4 incremental, 8 weak callbacks. */
  let gcs = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([e.detail?.kind ?? 0, e.duration]);
  });
  obs.observe({ entryTypes: ['gc'] });
  let since = performance.now();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.on('SIGUSR2', () => {
    const now = performance.now();
    const byKind = {};
    for (const [kind, d] of gcs) {
      const k = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      k.count++;
      k.totalMs = Math.round((k.totalMs + d) * 100) / 100;
      k.maxMs = Math.max(k.maxMs, Math.round(d * 100) / 100);
    }
    const line = {
      pid: process.pid,
      windowMs: Math.round(now - since),
      loopDelayMs: {
        p50: ms(loop.percentile(50)),
        p99: ms(loop.percentile(99)),
        p999: ms(loop.percentile(99.9)),
        max: ms(loop.max),
      },
      gc: byKind,
      gcOver2ms: gcs.filter(([, d]) => d > 2).length,
    };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
    loop.reset();
    gcs = [];
    since = now;
  });
}
