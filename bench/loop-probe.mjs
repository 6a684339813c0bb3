// Preloaded into a process under test (NODE_OPTIONS="--import <this file>") by drain-tail.ts:
// records the process's event-loop delay (monitorEventLoopDelay, 1 ms resolution) and every GC
// pause (PerformanceObserver 'gc'). Each SIGUSR2 appends one JSON line to $KITEMQ_PROBE_OUT with
// what was seen since the previous signal and starts a new window, so a bench can bracket one
// scenario. With $KITEMQ_PROBE_CPU_PROF set to a directory, each window is also CPU-profiled
// (inspector Profiler; --cpu-prof is not allowed in NODE_OPTIONS) into <dir>/<pid>-<n>.cpuprofile.
// $KITEMQ_PROBE_TRACE_GC=1 turns on V8's --trace-gc (one stdout line per GC, with its reason),
// which NODE_OPTIONS does not accept either. Plain JS: it must load before any TypeScript hook.
import { appendFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';

const out = process.env.KITEMQ_PROBE_OUT;
if (process.env.KITEMQ_PROBE_TRACE_GC === '1') setFlagsFromString('--trace-gc');
if (out) {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  /** perf_hooks' NODE_PERFORMANCE_GC_* kinds, named. */
  const KIND = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weakcb' };
  let gcs = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push([KIND[e.detail?.kind] ?? 'other', e.duration]);
  });
  obs.observe({ entryTypes: ['gc'] });
  let since = performance.now();
  let cpu = process.cpuUsage();
  const cpuDir = process.env.KITEMQ_PROBE_CPU_PROF;
  const profiler = cpuDir ? new Session() : undefined;
  let windows = 0;
  if (profiler) {
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.start');
  }
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const dump = (atExit) => {
    const now = performance.now();
    const cpuNow = process.cpuUsage();
    const byKind = {};
    for (const [kind, d] of gcs) {
      if (byKind[kind] === undefined) byKind[kind] = { count: 0, totalMs: 0, maxMs: 0 };
      const k = byKind[kind];
      k.count++;
      k.totalMs = Math.round((k.totalMs + d) * 100) / 100;
      k.maxMs = Math.max(k.maxMs, Math.round(d * 100) / 100);
    }
    const line = {
      pid: process.pid,
      windowMs: Math.round(now - since),
      cpuMs: Math.round((cpuNow.user - cpu.user + cpuNow.system - cpu.system) / 1000),
      loopDelayMs: {
        p50: ms(loop.percentile(50)),
        p99: ms(loop.percentile(99)),
        p999: ms(loop.percentile(99.9)),
        max: ms(loop.max),
      },
      gc: byKind,
      gcOver2ms: gcs.filter(([, d]) => d > 2).length,
      atExit,
    };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
    loop.reset();
    gcs = [];
    since = now;
    cpu = cpuNow;
    if (atExit) return;
    const n = windows++;
    profiler?.post('Profiler.stop', (err, r) => {
      if (!err)
        writeFileSync(join(cpuDir, `${process.pid}-${n}.cpuprofile`), JSON.stringify(r.profile));
      profiler.post('Profiler.start');
    });
  };
  process.on('SIGUSR2', () => dump(false));
  // A process that is never signalled (e2e-worker.ts) still reports its whole life.
  process.on('exit', () => dump(true));
}
