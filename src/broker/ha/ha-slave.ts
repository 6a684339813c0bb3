// The slave's side of the classic HA link (DefaultHAClient): follow the master's HA address
// (haMasterAddress, else the haServerAddr the name servers answer a slave's REGISTER_BROKER
// with; BrokerController#registerBrokerAll → updateHaMasterAddress), connect, retry every
// HA_CONNECT_RETRY_MS while the master is gone, and keep serving reads meanwhile. One session
// per connection (ha-slave-session.ts) does the reporting, appending and divergence checks.
// State changes are logged once each, not per retry.
import { connect, type Socket } from 'node:net';
import { HA_CONNECT_RETRY_MS, HA_OVERLAP_RECORDS } from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import type { MessageStore } from '../../store/message-store.js';
import { replicaEnd } from '../../store/raw-verify.js';
import { HaSlaveSession, type SessionEnd } from './ha-slave-session.js';
import type { HaRole, HaSlaveStatus } from './ha-types.js';

export interface HaSlaveOptions {
  readonly store: MessageStore;
  readonly log: Logger;
  /** A fixed master HA address (host:port); empty: the one the name servers answer. */
  readonly haMasterAddress: string;
  readonly haSendHeartbeatInterval: number;
  readonly haHousekeepingInterval: number;
  readonly haAuthToken: string;
  /** Tests shorten it; RocketMQ waits 5 s between attempts. */
  readonly connectRetryMs?: number;
  /** Records of overlap compared on connect (HA_OVERLAP_RECORDS). */
  readonly overlapRecords?: number;
  readonly now?: () => number;
}

/** What a name server's answer to a slave's registration says about its master. */
export interface MasterInfo {
  readonly masterAddr: string | undefined;
  readonly haServerAddr: string | undefined;
}

export class HaSlave implements HaRole {
  private readonly o: HaSlaveOptions;
  private readonly now: () => number;
  private readonly retryMs: number;
  private masterHa: string | undefined;
  private masterRemoting: string | undefined;
  private session: HaSlaveSession | undefined;
  private connecting: Socket | undefined;
  private retry: NodeJS.Timeout | undefined;
  private windowRecords: number;
  private closed = false;
  private sessionHeard = false;
  private started = false;
  private state = '';
  private masterOffset = 0;
  private caughtUpAt: number;
  private truncatedBytes = 0;
  private lastTruncatedAt: number | undefined;

  constructor(o: HaSlaveOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.retryMs = o.connectRetryMs ?? HA_CONNECT_RETRY_MS;
    this.windowRecords = o.overlapRecords ?? HA_OVERLAP_RECORDS;
    this.masterHa = o.haMasterAddress === '' ? undefined : o.haMasterAddress;
    this.caughtUpAt = this.now();
  }

  /** The master's remoting address (listenPort), as the name servers last answered it. */
  get masterAddr(): string | undefined {
    return this.masterRemoting;
  }

  /** The HA address being followed. */
  get masterHaAddr(): string | undefined {
    return this.masterHa;
  }

  start(): void {
    this.started = true;
    this.connectNow();
  }

  /** A name server's answer: follows a new HA address (unless haMasterAddress fixes one). */
  setMaster(info: MasterInfo): void {
    this.masterRemoting = info.masterAddr;
    if (this.o.haMasterAddress !== '' || !info.haServerAddr) return;
    if (info.haServerAddr === this.masterHa) return;
    this.o.log.info({ from: this.masterHa, to: info.haServerAddr }, 'HA master address changed');
    this.masterHa = info.haServerAddr;
    if (this.session) this.session.close('the master changed', 'now');
    else if (!this.connecting) this.connectNow();
  }

  status(): HaSlaveStatus {
    const slaveOffset = replicaEnd(this.o.store.commitLog);
    const lagBytes = Math.max(0, this.masterOffset - slaveOffset);
    if (lagBytes === 0) this.caughtUpAt = this.now();
    return {
      role: 'SLAVE',
      masterHaAddr: this.masterHa,
      connected: this.session !== undefined,
      slaveOffset,
      masterOffset: this.masterOffset,
      lagBytes,
      lagMs: lagBytes === 0 ? 0 : Math.max(0, this.now() - this.caughtUpAt),
      truncatedBytes: this.truncatedBytes,
      lastTruncatedAt: this.lastTruncatedAt,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.connecting?.destroy();
    const s = this.session;
    if (s) {
      s.close('the broker is shutting down');
      await s.ended;
    }
  }

  private connectNow(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    if (this.closed || !this.started || this.session || this.connecting) return;
    const addr = this.masterHa;
    if (!addr) {
      this.note('waiting', 'HA link: no master address yet; waiting for the name server');
      return;
    }
    const colon = addr.lastIndexOf(':');
    const host = addr.slice(0, colon);
    const port = Number(addr.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      this.note(`bad:${addr}`, `HA link: master address ${addr} is not host:port`);
      return;
    }
    const socket = connect({ host, port });
    this.connecting = socket;
    socket.setTimeout(this.o.haHousekeepingInterval);
    const fail = (reason: string) => {
      this.connecting = undefined;
      socket.destroy();
      this.note('down', `HA link: cannot reach master ${addr} (${reason}); retrying`);
      this.later(this.retryMs);
    };
    socket.once('error', (err) => fail(err.message));
    socket.once('timeout', () => fail('connect timed out'));
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      socket.setTimeout(0);
      socket.setNoDelay(true);
      this.connecting = undefined;
      if (this.closed) {
        socket.destroy();
        return;
      }
      this.open(socket, addr);
    });
  }

  private open(socket: Socket, addr: string): void {
    const session = new HaSlaveSession(
      socket,
      {
        store: this.o.store,
        log: this.o.log,
        authToken: this.o.haAuthToken,
        heartbeatMs: this.o.haSendHeartbeatInterval,
        housekeepingMs: this.o.haHousekeepingInterval,
        now: this.now,
        onMasterOffset: (offset) => this.onMasterOffset(offset),
        onAppended: () => {
          if (replicaEnd(this.o.store.commitLog) >= this.masterOffset) this.caughtUpAt = this.now();
        },
        onTruncated: (bytes) => {
          this.truncatedBytes += bytes;
          this.lastTruncatedAt = this.now();
        },
      },
      this.windowRecords,
    );
    this.session = session;
    this.sessionHeard = false;
    void session.ended.then((e) => this.onEnded(e, addr));
  }

  private onEnded(e: SessionEnd, addr: string): void {
    this.session = undefined;
    this.windowRecords = e.widen
      ? this.windowRecords * 4
      : (this.o.overlapRecords ?? HA_OVERLAP_RECORDS);
    if (this.closed) return;
    this.note(`down:${e.reason}`, `HA link to master ${addr} closed: ${e.reason}`);
    this.later(e.again === 'now' ? 0 : this.retryMs);
  }

  private onMasterOffset(offset: number): void {
    // A link counts as up once the master spoke on it: a master refusing every attempt in the
    // same way is one state, logged once.
    if (!this.sessionHeard && this.masterHa) {
      this.sessionHeard = true;
      this.note('up', `HA link to master ${this.masterHa} open`);
    }
    this.masterOffset = offset;
    if (replicaEnd(this.o.store.commitLog) >= offset) this.caughtUpAt = this.now();
  }

  private later(ms: number): void {
    if (this.closed) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connectNow(), ms);
    this.retry.unref();
  }

  /** Logs `message` when the link's state is not `state` already. */
  private note(state: string, message: string): void {
    if (state === this.state) return;
    // A link that closed and then cannot reconnect is one outage: its close was logged.
    const stillDown = this.state.startsWith('down') && state === 'down';
    this.state = state;
    if (stillDown) return;
    if (state === 'up') this.o.log.info({ state }, message);
    else this.o.log.warn({ state }, message);
  }
}
