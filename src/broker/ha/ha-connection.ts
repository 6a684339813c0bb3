// One slave's link on the master (DefaultHAConnection: its ReadSocketService and
// WriteSocketService, on one socket and the event loop). The first 8-byte report fixes where the
// transfer starts; every report is the slave's ack. Commit-log bytes go out in frames of at most
// haTransferBatchSize as fast as the socket drains; an idle link gets a heartbeat (an empty
// header) every haSendHeartbeatInterval; a link silent for haHousekeepingInterval is closed.
//
// KiteMQ additions, invisible to a Java slave: with haAuthToken the link opens with a challenge
// that the slave must answer before anything else; a slave that reports more than the master has
// (it diverged) gets heartbeats carrying the master's end instead of its own offset, and its acks
// never count; when it then reports an offset the master has, the transfer restarts there.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { assert } from '../../common/assert.js';
import type { Logger } from '../../common/logger.js';
import {
  encodeAuthChallenge,
  encodeTransferHeader,
  HA_NONCE_BYTES,
  HA_RESPONSE_BYTES,
  HA_RESPONSE_MAGIC,
  SlaveReportReader,
  verifyAuthResponse,
} from '../../protocol/ha.js';
import type { MessageStore } from '../../store/message-store.js';

export interface HaLinkOptions {
  heartbeatIntervalMs: number;
  housekeepingIntervalMs: number;
  transferBatchSize: number;
  /** Empty: the classic link, byte for byte. */
  authToken: string;
  /** A new, empty slave (report 0) starts at the last segment instead of the log's head. */
  syncFromLastFile: boolean;
}

export type HaLinkStore = Pick<
  MessageStore,
  'readCommitLog' | 'writtenPhyOffset' | 'minPhyOffset' | 'commitLog'
>;

export interface HaLinkEvents {
  /** A report moved this link's valid ack (or the link's in-sync state changed). */
  onAck(link: HaConnection): void;
  onClose(link: HaConnection): void;
}

type State = 'auth' | 'awaitReport' | 'streaming' | 'closed';

export class HaConnection {
  readonly addr: string;
  private state: State;
  private readonly socket: Socket;
  private readonly store: HaLinkStore;
  private readonly opts: HaLinkOptions;
  private readonly log: Logger;
  private readonly events: HaLinkEvents;
  private readonly reports = new SlaveReportReader();
  private nonce: Buffer | undefined;
  private authBytes: Buffer = Buffer.alloc(0);
  /** Next commit-log offset to send (nextTransferFromWhere). */
  private next = -1;
  /** The last report that counts as an ack: at most what was sent, never a diverged offset. */
  ackOffset = -1;
  /** The slave reported more than the master has. */
  diverged = false;
  private blocked = false;
  private lastReadAt: number;
  private lastWriteAt: number;
  /** When this slave last had every written byte (for lagMs). */
  caughtUpAt: number;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    socket: Socket,
    store: HaLinkStore,
    opts: HaLinkOptions,
    log: Logger,
    ev: HaLinkEvents,
  ) {
    this.socket = socket;
    this.store = store;
    this.opts = opts;
    this.events = ev;
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.log = log.child({ slave: this.addr });
    const now = Date.now();
    this.lastReadAt = now;
    this.lastWriteAt = now;
    this.caughtUpAt = now;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      this.blocked = false;
      this.pump();
    });
    socket.on('error', (err) => this.close('socket error', err));
    socket.on('close', () => this.close('closed by the slave'));
    const beat = Math.min(opts.heartbeatIntervalMs, opts.housekeepingIntervalMs);
    this.ticker = setInterval(() => this.tick(), Math.max(10, Math.min(100, beat / 5)));
    this.ticker.unref();
    this.log.info({}, 'HA slave connected');
    if (opts.authToken === '') {
      this.state = 'awaitReport';
      return;
    }
    this.state = 'auth';
    this.nonce = randomBytes(HA_NONCE_BYTES);
    this.write(encodeAuthChallenge(this.nonce));
  }

  /** Streaming and not diverged: its acks count for SYNC_MASTER. */
  get inSync(): boolean {
    return this.state === 'streaming' && !this.diverged;
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReadAt = Date.now();
    let rest = chunk;
    if (this.state === 'auth') {
      const r = this.takeAuth(chunk);
      if (r === undefined) return;
      rest = r;
    }
    const report = this.reports.push(rest);
    if (report !== undefined) this.onReport(report);
  }

  /** Collects the 36-byte response; returns the bytes after it once it verified. */
  private takeAuth(chunk: Buffer): Buffer | undefined {
    this.authBytes = Buffer.concat([this.authBytes, chunk]);
    const magicKnown = this.authBytes.length >= 4;
    if (magicKnown && this.authBytes.readUInt32BE(0) !== HA_RESPONSE_MAGIC) {
      this.refuse('it sent no auth response (a classic slave, or no haAuthToken set)');
      return undefined;
    }
    if (this.authBytes.length < HA_RESPONSE_BYTES) return undefined;
    if (!verifyAuthResponse(this.opts.authToken, this.nonce!, this.authBytes)) {
      this.refuse('its auth response does not match this master');
      return undefined;
    }
    this.state = 'awaitReport';
    this.log.info({}, 'HA slave authenticated');
    const rest = this.authBytes.subarray(HA_RESPONSE_BYTES);
    this.authBytes = Buffer.alloc(0);
    return rest;
  }

  private refuse(why: string): void {
    this.log.warn(
      { reason: why },
      `HA link from ${this.addr} refused: ${why}; set the same haAuthToken on the slave`,
    );
    this.close('refused');
  }

  private onReport(offset: number): void {
    const end = this.store.writtenPhyOffset;
    if (this.state === 'awaitReport') {
      this.state = 'streaming';
      this.startAt(offset === 0 ? this.emptySlaveStart() : offset, offset, end);
    } else if (this.diverged && offset <= end) {
      this.log.info({ reported: offset }, 'HA slave came back below the master end; restarting');
      this.startAt(offset, offset, end);
    }
    if (!this.diverged && offset <= this.next && offset !== this.ackOffset) {
      this.ackOffset = offset;
      if (offset >= this.store.writtenPhyOffset) this.caughtUpAt = Date.now();
      this.events.onAck(this);
    }
  }

  private startAt(start: number, reported: number, end: number): void {
    this.next = start;
    this.diverged = start > end;
    if (this.diverged) {
      this.log.warn(
        { reported, masterEnd: end },
        'HA slave is ahead of this master (it diverged); answering with the master end',
      );
      this.heartbeat();
      this.events.onAck(this);
      return;
    }
    if (start < this.store.minPhyOffset) {
      // As in RocketMQ the link then only carries heartbeats: the bytes are gone from here.
      const minPhyOffset = this.store.minPhyOffset;
      this.log.warn(
        { reported, minPhyOffset },
        'HA slave asks for bytes retention already deleted; rebuild it from an empty store',
      );
    }
    this.log.info({ reported, startOffset: start }, 'HA transfer starts');
    this.pump();
  }

  /** Where an empty slave starts: the log's head, or (haSyncFromLastFile) its last segment. */
  private emptySlaveStart(): number {
    if (!this.opts.syncFromLastFile) return this.store.minPhyOffset;
    const end = this.store.writtenPhyOffset;
    const fileSize = this.store.commitLog.queue.fileSize;
    return Math.max(this.store.minPhyOffset, end - (end % fileSize));
  }

  /** Sends what is written past `next`, frame by frame, until the socket pushes back. */
  pump(): void {
    if (this.state !== 'streaming' || this.diverged || this.blocked) return;
    for (;;) {
      const body = this.store.readCommitLog(this.next, this.opts.transferBatchSize);
      if (!body) return;
      assert(body.length <= this.opts.transferBatchSize, 'a frame holds at most one batch');
      const at = this.next;
      this.next += body.length;
      this.socket.cork();
      this.write(encodeTransferHeader(at, body.length));
      const room = this.write(body);
      this.socket.uncork();
      if (!room) {
        this.blocked = true;
        return;
      }
      if (this.state !== 'streaming') return;
    }
  }

  private heartbeat(): void {
    const offset = this.diverged ? this.store.writtenPhyOffset : this.next;
    this.write(encodeTransferHeader(offset, 0));
  }

  private write(b: Buffer): boolean {
    this.lastWriteAt = Date.now();
    return this.socket.write(b);
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.lastReadAt > this.opts.housekeepingIntervalMs) {
      const silentMs = now - this.lastReadAt;
      if (this.state === 'auth') {
        this.refuse(`no auth response within ${this.opts.housekeepingIntervalMs} ms`);
        return;
      }
      this.log.warn({ silentMs }, 'HA slave sent nothing for haHousekeepingInterval; closing');
      this.close('housekeeping');
      return;
    }
    if (this.state !== 'streaming' || this.blocked) return;
    if (now - this.lastWriteAt >= this.opts.heartbeatIntervalMs) this.heartbeat();
  }

  /** A write round moved the master's end from `before`: a slave that had it was caught up. */
  noteRound(before: number, now: number): void {
    if (this.inSync && this.ackOffset >= before) this.caughtUpAt = now;
  }

  /** The lag figures of this slave against the master's written end. */
  lag(end: number, now: number): { ackOffset: number; lagBytes: number; lagMs: number } {
    const ack = Math.max(0, this.ackOffset);
    const caughtUp = this.inSync && ack >= end;
    return {
      ackOffset: ack,
      lagBytes: Math.max(0, end - ack),
      lagMs: caughtUp ? 0 : now - this.caughtUpAt,
    };
  }

  close(why: string, err?: Error): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.ticker);
    this.socket.destroy();
    this.log.info({ reason: why, err, ackOffset: this.ackOffset }, 'HA slave disconnected');
    this.events.onClose(this);
  }
}
