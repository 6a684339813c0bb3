// A scripted HA master for the slave's tests: a real loopback server speaking the classic wire
// (src/protocol/ha.ts), each connection's reports recorded, its transfers sent from a real
// store's commit log in small frames that cut records, the way a Java master's batches do.
// Test code only.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from '../../common/logger.js';
import type { MessageToStore } from '../../message/message.js';
import {
  encodeAuthChallenge,
  encodeTransferHeader,
  HA_RESPONSE_BYTES,
  SlaveReportReader,
  verifyAuthResponse,
} from '../../protocol/ha.js';
import type { MessageStore } from '../../store/message-store.js';
import { testMessage } from '../../store/store.fixture.js';

/** How long a test waits for a slave to do something before it fails with what it awaited. */
const WAIT_MS = 20_000;

/** Waits for the next wake-up of `waiters`, failing once `deadline` passed. */
function waitOn(waiters: (() => void)[], deadline: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const left = deadline - Date.now();
    const timer = setTimeout(() => reject(new Error(`no ${what} within the deadline`)), left);
    waiters.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class MasterConn {
  readonly reports: number[] = [];
  readonly socket: Socket;
  private readonly reader = new SlaveReportReader();
  private authed: Buffer | undefined;
  private waiters: (() => void)[] = [];

  constructor(socket: Socket, auth?: { token: string; nonce: Buffer }) {
    this.socket = socket;
    socket.on('error', () => undefined);
    if (auth) {
      socket.write(encodeAuthChallenge(auth.nonce));
      this.authed = Buffer.alloc(0);
    }
    socket.on('data', (chunk: Buffer) => {
      let rest = chunk;
      if (this.authed !== undefined && auth) {
        const got = Buffer.concat([this.authed, chunk]);
        if (got.length < HA_RESPONSE_BYTES) {
          this.authed = got;
          return;
        }
        if (!verifyAuthResponse(auth.token, auth.nonce, got)) {
          socket.destroy();
          return;
        }
        this.authed = undefined;
        rest = got.subarray(HA_RESPONSE_BYTES);
      }
      const r = this.reader.push(rest);
      if (r !== undefined) this.reports.push(r);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the first report; rejects when none came within `timeoutMs`. */
  async firstReport(timeoutMs = WAIT_MS): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.reports.length === 0) await waitOn(this.waiters, deadline, 'a first report');
    return this.reports[0]!;
  }

  heartbeat(offset: number): void {
    this.socket.write(encodeTransferHeader(offset, 0));
  }

  send(offset: number, body: Buffer): void {
    this.socket.write(Buffer.concat([encodeTransferHeader(offset, body.length), body]));
  }

  /**
   * The master's log from `from` to its end in frames of `frame` bytes; returns the end. With
   * `padBlanks`, a closed segment is sent up to its end, as a Java master's file holds it.
   */
  sendLog(master: MessageStore, from: number, frame = 1000, padBlanks = false): number {
    const log = master.commitLog;
    let at = from;
    for (;;) {
      const b = log.readWindow(at, frame);
      if (b) {
        this.send(at, b);
        at += b.length;
        continue;
      }
      const f = log.queue.findByOffset(at);
      if (!f?.isFull) return at;
      const segEnd = f.fileFromOffset + log.queue.fileSize;
      while (padBlanks && at < segEnd) {
        const n = Math.min(frame, segEnd - at);
        this.send(at, Buffer.alloc(n));
        at += n;
      }
      at = segEnd;
    }
  }
}

export class ScriptedMaster {
  readonly conns: MasterConn[] = [];
  private server: Server | undefined;
  private waiters: (() => void)[] = [];
  auth: { token: string; nonce: Buffer } | undefined;
  /** When false, connections are accepted but never challenged (a master without the token). */
  challenge = true;

  async listen(): Promise<string> {
    const server = createServer((s) => {
      this.conns.push(new MasterConn(s, this.challenge ? this.auth : undefined));
      for (const w of this.waiters.splice(0)) w();
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    if (typeof addr !== 'object' || !addr) throw new Error('no address');
    return `127.0.0.1:${addr.port}`;
  }

  /** Resolves with the n-th connection (0-based) once it arrived; rejects after `timeoutMs`. */
  async conn(n: number, timeoutMs = WAIT_MS): Promise<MasterConn> {
    const deadline = Date.now() + timeoutMs;
    while (this.conns.length <= n) await waitOn(this.waiters, deadline, `connection ${n}`);
    return this.conns[n]!;
  }

  async close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** A message whose size varies with n, on queue n % 2 of topic H. */
export function haMessage(n: number, tag: string): MessageToStore {
  const body = Buffer.from(`${tag}${n} ${'x'.repeat((n * 53) % 900)}`);
  return testMessage({ topic: 'H', queueId: n % 2, body, properties: { KEYS: `${tag}${n}` } });
}

/** Puts messages [from, to) of `tag`. */
export async function putAll(store: MessageStore, from: number, to: number, tag: string) {
  for (let i = from; i < to; i++) await store.putMessage(haMessage(i, tag));
}

/** Appends `master`'s log [from, to) to `slave` raw, so both hold the same bytes. */
export async function copyLog(master: MessageStore, slave: MessageStore, to: number) {
  const log = master.commitLog;
  let at = slave.maxPhyOffset;
  while (at < to) {
    const b = log.readWindow(at, to - at);
    if (!b) {
      at = at - (at % log.queue.fileSize) + log.queue.fileSize;
      continue;
    }
    const r = await slave.appendRaw(at, b);
    if (!r.ok) throw new Error(r.reason);
    at += b.length;
  }
}

/** The log's bytes [0, end) as its segments hold them. */
export function logBytes(store: MessageStore): Buffer {
  const parts: Buffer[] = [];
  for (const f of store.commitLog.queue.files) parts.push(f.read(0, f.wrotePosition));
  return Buffer.concat(parts);
}

/** A logger that keeps its lines. */
export function capturingLogger(lines: string[]): Logger {
  const keep = (_o: object, msg?: string) => {
    if (msg) lines.push(msg);
  };
  const l: Logger = { debug: keep, info: keep, warn: keep, error: keep, child: () => l };
  return l;
}
