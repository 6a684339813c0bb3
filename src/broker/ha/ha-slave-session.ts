// One connection of a slave to its master (DefaultHAClient's connected state): report the
// replica's end, append what the master transfers, report again after each append and at least
// every haSendHeartbeatInterval, close when nothing was read for haHousekeepingInterval.
//
// KiteMQ checks for divergence without changing the wire. On connect it reports a boundary a
// few records before its end instead of the end, and compares what the master sends for that
// overlap with its own records: equal ones are skipped, the first that differs is where its log
// is cut and the master's bytes appended instead; when even the first record of the overlap
// differs, the session ends asking for a wider one. A heartbeat below the stream's position
// means the master has less (a KiteMQ master answers so when a slave reports past its end): the
// log is cut to the master's end and the link opened again, so the master starts from there.
import type { Socket } from 'node:net';
import type { Logger } from '../../common/logger.js';
import {
  decodeAuthChallenge,
  encodeAuthResponse,
  encodeSlaveReport,
  HA_CHALLENGE_BYTES,
  HaProtocolError,
  type TransferFrame,
  TransferReader,
} from '../../protocol/ha.js';
import type { MessageStore } from '../../store/message-store.js';
import {
  boundaryAtOrBelow,
  boundaryBefore,
  holdsRecord,
  replicaEnd,
} from '../../store/raw-verify.js';
import { RecordAssembler, type StreamRecord } from './ha-slave-stream.js';

export interface SessionDeps {
  readonly store: MessageStore;
  readonly log: Logger;
  readonly authToken: string;
  readonly heartbeatMs: number;
  readonly housekeepingMs: number;
  readonly now: () => number;
  /** The master's end as this frame or heartbeat tells it. */
  onMasterOffset(offset: number): void;
  onTruncated(bytes: number): void;
  /** Bytes were appended (the replica may have caught up). */
  onAppended(): void;
}

/** Why a session ended; `again: 'now'` reconnects at once, `widen` with a larger overlap. */
export interface SessionEnd {
  readonly reason: string;
  readonly again: 'now' | 'later';
  readonly widen?: boolean;
}

interface Overlap {
  readonly start: number;
  readonly end: number;
}

export class HaSlaveSession {
  readonly ended: Promise<SessionEnd>;
  private finish!: (e: SessionEnd) => void;
  private done = false;
  private readonly socket: Socket;
  private readonly d: SessionDeps;
  private readonly windowRecords: number;
  private readonly reader = new TransferReader();
  private asm!: RecordAssembler;
  private overlap: Overlap | undefined;
  private challenge: Buffer | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastRead: number;
  private lastReport = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(socket: Socket, deps: SessionDeps, windowRecords: number) {
    this.socket = socket;
    this.d = deps;
    this.windowRecords = windowRecords;
    this.ended = new Promise((resolve) => {
      this.finish = resolve;
    });
    this.lastRead = deps.now();
    const tickMs = Math.max(5, Math.min(deps.heartbeatMs, deps.housekeepingMs) / 4);
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.end({ reason: err.message, again: 'later' }));
    socket.on('close', () => this.end({ reason: 'the master closed the link', again: 'later' }));
    if (deps.authToken === '') this.begin();
    else this.challenge = Buffer.alloc(0);
  }

  close(reason: string, again: SessionEnd['again'] = 'later'): void {
    this.end({ reason, again });
  }

  private end(e: SessionEnd): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.timer);
    this.socket.destroy();
    this.finish(e);
  }

  /** Picks where the master should start and reports it. */
  private begin(): void {
    const log = this.d.store.commitLog;
    const end = replicaEnd(log);
    // Offset 0 asks the master to choose (RocketMQ: its last file), so the overlap never starts
    // at 0: the first record of a log that starts there is never compared.
    const start = end === 0 ? end : boundaryBefore(log, end, this.windowRecords, 1);
    this.overlap = start < end ? { start, end } : undefined;
    this.asm = new RecordAssembler(
      end === 0 ? undefined : start,
      log.queue.fileSize,
      log.maxRecordBytes,
    );
    if (this.overlap)
      this.d.log.info({ from: start, end }, 'HA link: checking overlap with master');
    this.report();
  }

  private report(): void {
    if (this.done) return;
    const at = this.overlap ? this.asm.wholeUpTo : replicaEnd(this.d.store.commitLog);
    this.lastReport = this.d.now();
    this.socket.write(encodeSlaveReport(Math.max(0, at)));
  }

  private tick(): void {
    const now = this.d.now();
    if (now - this.lastRead > this.d.housekeepingMs) {
      const reason =
        this.challenge !== undefined
          ? 'master sent no HA challenge; set the same haAuthToken on the master'
          : `nothing read from the master for ${this.d.housekeepingMs} ms`;
      this.end({ reason, again: 'later' });
      return;
    }
    if (this.challenge === undefined && now - this.lastReport >= this.d.heartbeatMs) this.report();
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    this.lastRead = this.d.now();
    let rest = chunk;
    if (this.challenge !== undefined) {
      const got = Buffer.concat([this.challenge, chunk]);
      if (got.length < HA_CHALLENGE_BYTES) {
        this.challenge = got;
        return;
      }
      const nonce = decodeAuthChallenge(got);
      if (!nonce) {
        const reason = 'master sent no HA challenge; set the same haAuthToken on the master';
        this.end({ reason, again: 'later' });
        return;
      }
      this.challenge = undefined;
      this.socket.write(encodeAuthResponse(this.d.authToken, nonce));
      this.begin();
      rest = got.subarray(HA_CHALLENGE_BYTES);
    }
    let frames: TransferFrame[];
    try {
      frames = this.reader.push(rest);
    } catch (err) {
      if (!(err instanceof HaProtocolError)) throw err;
      this.end({ reason: `bad transfer from the master: ${err.message}`, again: 'later' });
      return;
    }
    if (frames.length === 0) return;
    this.socket.pause(); // the appends are the backpressure
    this.chain = this.chain
      .then(() => this.handleFrames(frames))
      .catch((err: unknown) => this.end({ reason: String(err), again: 'later' }))
      .finally(() => {
        if (!this.done) this.socket.resume();
      });
  }

  private async handleFrames(frames: TransferFrame[]): Promise<void> {
    for (const f of frames) {
      if (this.done) return;
      this.d.onMasterOffset(f.offset + f.body.length);
      if (f.body.length === 0) {
        this.onHeartbeat(f.offset);
        continue;
      }
      const r = this.asm.push(f.offset, f.body);
      if (!r.ok) {
        // From where this slave asked, the master's bytes are no record: not where its own starts.
        if (this.overlap && this.asm.wholeUpTo === this.overlap.start) this.firstDiffers();
        else this.end({ reason: r.reason, again: 'later' });
        return;
      }
      await this.handleRecords(r.records);
    }
  }

  private onHeartbeat(h: number): void {
    const pos = this.asm.position;
    if (pos < 0 || this.asm.continues(h)) {
      const o = this.overlap;
      // The master has nothing past the verified records, but this log does: it has less.
      if (o && h === this.asm.wholeUpTo && h < o.end && this.truncate(h)) this.follow();
      return;
    }
    if (h > pos) {
      this.end({ reason: `master heartbeat at ${h}, the stream is at ${pos}`, again: 'later' });
      return;
    }
    const cut = boundaryAtOrBelow(this.d.store.commitLog, h);
    const cuts = cut < replicaEnd(this.d.store.commitLog);
    if (cuts && !this.truncate(cut)) return;
    // Opened again so that the first report, from the cut, fixes where the master starts.
    const reason = `the master ends at ${h}, before this slave`;
    this.end({ reason, again: cuts ? 'now' : 'later' });
  }

  private async handleRecords(records: StreamRecord[]): Promise<void> {
    const log = this.d.store.commitLog;
    const batch: Buffer[] = [];
    let batchStart = -1;
    for (const rec of records) {
      const o = this.overlap;
      if (o && rec.offset < o.end) {
        if (holdsRecord(log, rec.offset, rec.bytes)) continue;
        if (rec.offset === o.start && this.canWiden(o)) {
          this.firstDiffers();
          return;
        }
        if (!this.truncate(rec.offset)) return;
      }
      if (this.overlap) this.follow();
      if (batchStart < 0) batchStart = rec.offset;
      batch.push(rec.bytes);
    }
    if (batch.length === 0) {
      this.report();
      return;
    }
    const store = this.d.store;
    if (store.maxPhyOffset === store.minPhyOffset && batchStart !== replicaEnd(store.commitLog)) {
      const begun = store.startReplicaAt(batchStart);
      if (!begun.ok) {
        this.end({
          reason: `cannot begin at the master's ${batchStart}: ${begun.reason}`,
          again: 'later',
        });
        return;
      }
    }
    const res = await store.appendRaw(batchStart, Buffer.concat(batch));
    if (!res.ok) {
      this.end({ reason: `the master's bytes were refused: ${res.reason}`, again: 'later' });
      return;
    }
    this.d.onAppended();
    this.report();
  }

  private canWiden(o: Overlap): boolean {
    return boundaryBefore(this.d.store.commitLog, o.end, this.windowRecords * 4, 1) < o.start;
  }

  /**
   * Even the overlap's first record differs: ask again with a wider one, or, when the log holds
   * nothing earlier to compare, everything from there on diverged.
   */
  private firstDiffers(): void {
    const o = this.overlap!;
    const reason = `the record at ${o.start} differs from the master's`;
    if (this.canWiden(o)) {
      this.end({ reason, again: 'now', widen: true });
      return;
    }
    if (this.truncate(o.start)) this.end({ reason, again: 'now' });
  }

  private follow(): void {
    const o = this.overlap;
    if (!o) return;
    this.overlap = undefined;
    this.d.log.info({ from: o.start, to: this.asm.wholeUpTo }, 'HA link: overlap matches master');
  }

  /** Cuts the log at `at`; false (and the session ended) when the store refused. */
  private truncate(at: number): boolean {
    const store = this.d.store;
    const dropped = store.maxPhyOffset - at;
    const res = store.truncateTo(at);
    if (!res.ok) {
      this.end({ reason: `cannot truncate to the master at ${at}: ${res.reason}`, again: 'later' });
      return false;
    }
    this.d.log.warn(
      { at, droppedBytes: dropped },
      'slave log diverged from its master: truncated to the master',
    );
    this.d.onTruncated(dropped);
    return true;
  }
}
