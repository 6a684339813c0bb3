// (d) with the sender and the receiver each in a child process (e2e-worker.ts, run by tsx), so
// the runner's own event loop and heap (histograms, earlier scenarios' garbage) do not set the
// tail, and a receiver's pause is not also a sender's. Every driver, KiteMQ and peers alike, is
// measured this way; endToEnd in workload.ts keeps the old in-process variant (--e2e-in-process).
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createHistogram } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { WorkerReply, WorkerRequest } from './e2e-worker.js';
import { type Driver, type EndToEndRun, nowMs, recordMs } from './workload.js';

const WORKER = fileURLToPath(new URL('./e2e-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXIT_TIMEOUT_MS = 10_000;

export class Worker {
  readonly proc: ChildProcess;
  private readonly replies: WorkerReply[] = [];
  private wake: (() => void) | undefined;
  private exited = false;
  readonly role: string;

  constructor(role: string) {
    this.role = role;
    // `--import tsx` resolves from the cwd: the repo root, wherever the runner was started.
    this.proc = fork(WORKER, [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('message', (m: WorkerReply) => {
      this.replies.push(m);
      this.wake?.();
    });
    this.proc.on('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  request(m: WorkerRequest): void {
    this.proc.send(m);
  }

  async next<K extends WorkerReply['op']>(op: K): Promise<Extract<WorkerReply, { op: K }>> {
    for (;;) {
      const m = this.replies.shift();
      if (m?.op === 'error') throw new Error(`e2e ${this.role}: ${m.message}`);
      if (m?.op === op) return m as Extract<WorkerReply, { op: K }>;
      if (m !== undefined) throw new Error(`e2e ${this.role}: expected ${op}, got ${m.op}`);
      if (this.exited) throw new Error(`e2e ${this.role} exited before replying ${op}`);
      await new Promise<void>((r) => {
        this.wake = r;
      });
      this.wake = undefined;
    }
  }

  /**
   * Proves the worker's nowMs() is this process's: its reading must fall between this process's
   * readings before the request and after the reply (a per-process clock, such as
   * performance.now(), fails by the difference of the two start times). Returns the bracket, ms.
   */
  async checkClock(): Promise<number> {
    const before = nowMs();
    this.request({ op: 'clock' });
    const theirs = (await this.next('clock')).ms;
    const after = nowMs();
    if (theirs < before || theirs > after) {
      throw new Error(
        `e2e ${this.role}: its clock is not this process's (${theirs} outside ` +
          `[${before}, ${after}]); latency across processes would be meaningless`,
      );
    }
    return after - before;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exit = once(this.proc, 'exit');
    // Only reached early on an error path: a worker exits by itself after its last reply.
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await exit;
    clearTimeout(timer);
  }
}

/** (d) against `d`'s server at `rate` msg/s for `seconds`, then `graceMs` for stragglers. */
export async function endToEndSplit(
  d: Driver,
  dest: string,
  rate: number,
  seconds: number,
  graceMs = 5_000,
): Promise<EndToEndRun> {
  const receiver = new Worker('receiver');
  const sender = new Worker('sender');
  try {
    await Promise.all([receiver.checkClock(), sender.checkClock()]);
    receiver.request({ op: 'receive', spec: d.spec, dest });
    await receiver.next('ready');
    sender.request({ op: 'send', spec: d.spec, dest, rate, seconds });
    const { acked } = await sender.next('sent');
    receiver.request({ op: 'finish', acked, graceMs });
    const r = await receiver.next('received');
    const h = createHistogram();
    for (const ms of r.latenciesMs) recordMs(h, ms);
    const sent = rate * seconds;
    return { rate, seconds, h, sent, acked: acked.length, received: r.received, lost: r.lost };
  } finally {
    await Promise.all([receiver.stop(), sender.stop()]);
  }
}
