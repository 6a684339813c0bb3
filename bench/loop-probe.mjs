// Preloaded into a process under test (NODE_OPTIONS="--import <this file>") by drain-tail.ts:
// records the process's event-loop delay (monitorEventLoopDelay, 1 ms resolution) and every GC
// pause (PerformanceObserver 'gc'). Each SIGUSR2 appends one JSON line to $KITEMQ_PROBE_OUT with
// what was seen since the previous signal and starts a new window, so a bench can bracket one
// scenario. With $KITEMQ_PROBE_CPU_PROF set to a directory, each window is also CPU-profiled
// (inspector Profiler; --cpu-prof is not allowed in NODE_OPTIONS) into <dir>/<pid>-<n>.cpuprofile.
// $KITEMQ_PROBE_TRACE_GC=1 turns on V8's --trace-gc (one stdout line per GC, with its reason),
// which NODE_OPTIONS does not accept either. $KITEMQ_PROBE_FS=1 times every synchronous node:fs
// call on the loop (fs.*Sync, wrapped before the program loads) and reports, per function, the
// calls over 1 ms: the pauses that are our own blocking I/O rather than GC or the scheduler.
// Plain JS: it must load before any TypeScript hook.
import fs, { appendFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';

const out = process.env.KITEMQ_PROBE_OUT;
if (process.env.KITEMQ_PROBE_TRACE_GC === '1') setFlagsFromString('--trace-gc');
/** name → [calls over 1 ms, their total ms, max ms] since the last window. */
let slowFs = {};
if (out && process.env.KITEMQ_PROBE_FS === '1') {
  for (const name of Object.keys(fs)) {
    const f = fs[name];
    if (!name.endsWith('Sync') || typeof f !== 'function') continue;
    fs[name] = function (...args) {
      const t0 = performance.now();
      try {
        return f.apply(this, args);
      } finally {
        const d = performance.now() - t0;
        if (d > 1) {
          if (slowFs[name] === undefined) slowFs[name] = [0, 0, 0];
          const k = slowFs[name];
          k[0]++;
          k[1] = Math.round((k[1] + d) * 100) / 100;
          k[2] = Math.max(k[2], Math.round(d * 100) / 100);
        }
      }
    };
  }
  // Named imports of node:fs (ESM) see the wrapped functions too.
  syncBuiltinESMExports();
}
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
  // $KITEMQ_PROBE_HEAP_PROF=DIR: a sampling heap profile per window (<pid>-<n>.heapprofile). It
  // holds what was allocated in the window and not yet collected at its end: the objects that
  // outlive scavenges and fill the old space between mark-compacts, by allocation site.
  const heapDir = process.env.KITEMQ_PROBE_HEAP_PROF;
  const heap = heapDir ? new Session() : undefined;
  if (heap) {
    heap.connect();
    heap.post('HeapProfiler.enable');
    heap.post('HeapProfiler.startSampling', { samplingInterval: 4096 });
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
      slowFsSync: slowFs,
      atExit,
    };
    appendFileSync(out, `${JSON.stringify(line)}\n`);
    loop.reset();
    gcs = [];
    slowFs = {};
    since = now;
    cpu = cpuNow;
    const n = windows++;
    heap?.post('HeapProfiler.stopSampling', (err, r) => {
      if (!err)
        writeFileSync(join(heapDir, `${process.pid}-${n}.heapprofile`), JSON.stringify(r.profile));
      if (!atExit) heap.post('HeapProfiler.startSampling', { samplingInterval: 4096 });
    });
    // A same-thread inspector session answers synchronously, so this works at exit too (the
    // (d) workers are never signalled: their profile is their whole life).
    profiler?.post('Profiler.stop', (err, r) => {
      if (!err)
        writeFileSync(join(cpuDir, `${process.pid}-${n}.cpuprofile`), JSON.stringify(r.profile));
      if (!atExit) profiler.post('Profiler.start');
    });
  };
  process.on('SIGUSR2', () => dump(false));
  // A process that is never signalled (e2e-worker.ts) still reports its whole life.
  process.on('exit', () => dump(true));
}
