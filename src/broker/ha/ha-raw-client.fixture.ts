// A slave's side of the classic HA link, written from the codec for the master's tests: it
// connects, reports, collects every frame the master sends, and can ack what it got. Plus an HA
// master over a real store on a free loopback port, closed after the test.
import { connect, type Socket } from 'node:net';
import { silentLogger } from '../../common/logger.js';
import { encodeSlaveReport, type TransferFrame, TransferReader } from '../../protocol/ha.js';
import type { MessageStore } from '../../store/message-store.js';
import { type HaMasterOptions, HaMasterService } from './ha-master.js';

export class RawHaClient {
  readonly frames: TransferFrame[] = [];
  /** Every byte the master sent, before framing (the auth challenge included). */
  raw: Buffer = Buffer.alloc(0);
  closed = false;
  private readonly reader = new TransferReader();
  private framing: boolean;
  private readonly socket: Socket;
  /** Acks each frame's end as it arrives. */
  autoAck = false;

  private constructor(socket: Socket, framing: boolean) {
    this.socket = socket;
    this.framing = framing;
    socket.on('data', (b: Buffer) => {
      this.raw = Buffer.concat([this.raw, b]);
      if (!this.framing) return;
      this.takeFrames(b);
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }

  private takeFrames(b: Buffer): void {
    for (const f of this.reader.push(b)) {
      this.frames.push(f);
      if (this.autoAck && f.body.length > 0) this.report(f.offset + f.body.length);
    }
  }

  /** `framing` false: bytes are only collected (until startFraming), for the auth exchange. */
  static open(port: number, framing = true): Promise<RawHaClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawHaClient(s, framing)));
      s.once('error', reject);
    });
  }

  /** Frames the bytes from `skip` on (what followed the challenge). */
  startFraming(skip: number): void {
    this.framing = true;
    this.takeFrames(this.raw.subarray(skip));
  }

  report(offset: number): void {
    this.socket.write(encodeSlaveReport(offset));
  }

  send(b: Buffer): void {
    this.socket.write(b);
  }

  /** The bodies received, concatenated, and where they start. */
  data(): { from: number; bytes: Buffer } {
    const bodies = this.frames.filter((f) => f.body.length > 0);
    const from = bodies[0]?.offset ?? -1;
    return { from, bytes: Buffer.concat(bodies.map((f) => f.body)) };
  }

  heartbeats(): TransferFrame[] {
    return this.frames.filter((f) => f.body.length === 0);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Fast timers, a small batch, a free port; `over` replaces fields. */
export function testHaOptions(over: Partial<HaMasterOptions> = {}): HaMasterOptions {
  return {
    role: 'ASYNC_MASTER',
    listenPort: 0,
    bindAddress: '127.0.0.1',
    advertisedHost: '127.0.0.1',
    heartbeatIntervalMs: 60_000,
    housekeepingIntervalMs: 60_000,
    transferBatchSize: 4096,
    authToken: '',
    syncFromLastFile: false,
    maxGapNotInSync: 256 * 1024 * 1024,
    slaveTimeoutMs: 60_000,
    ...over,
  };
}

/** Masters and clients a test opened; closeAll() in afterEach. */
export class HaBed {
  private readonly masters: HaMasterService[] = [];
  private readonly clients: RawHaClient[] = [];

  async master(store: MessageStore, over: Partial<HaMasterOptions> = {}): Promise<HaMasterService> {
    const m = await HaMasterService.start(store, testHaOptions(over), silentLogger());
    this.masters.push(m);
    return m;
  }

  async client(m: HaMasterService, framing = true): Promise<RawHaClient> {
    const c = await RawHaClient.open(m.port, framing);
    this.clients.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    for (const c of this.clients.splice(0)) c.close();
    for (const m of this.masters.splice(0)) await m.close();
  }
}

/** Polls `cond` every 10 ms until true or 20 s passed; returns the last answer. */
export async function eventually(cond: () => boolean, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return cond();
}
