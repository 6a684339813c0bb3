// The master's side of replication (DefaultHAService + its AcceptSocketService): listens on
// haListenPort, keeps one HaConnection per slave, wakes them when a write round makes new bytes
// readable (one wake per round, not per message), tracks push2SlaveMaxOffset over the slaves
// connected now, and for a SYNC_MASTER registers the store's put waiter (group-transfer.ts).
import { createServer, type Server, type Socket } from 'node:net';
import type { BrokerConfig } from '../../common/config/broker-config.js';
import type { Logger } from '../../common/logger.js';
import type { MessageStore } from '../../store/message-store.js';
import { GroupTransferService } from './group-transfer.js';
import { HaConnection, type HaLinkOptions } from './ha-connection.js';
import type { HaMasterStatus, HaRole, ReplicaLag } from './ha-types.js';

export interface HaMasterOptions extends HaLinkOptions {
  role: 'ASYNC_MASTER' | 'SYNC_MASTER';
  /** 0: a free port. */
  listenPort: number;
  bindAddress: string;
  /** The host slaves reach this master at (brokerIP2). */
  advertisedHost: string;
  maxGapNotInSync: number;
  slaveTimeoutMs: number;
}

/** The HA master's options from broker.conf. */
export function haMasterOptions(c: BrokerConfig): HaMasterOptions {
  if (c.brokerRole === 'SLAVE') throw new Error('a SLAVE runs no HA master');
  return {
    role: c.brokerRole,
    listenPort: c.haListenPort,
    bindAddress: c.bindAddress,
    advertisedHost: c.brokerIP2,
    heartbeatIntervalMs: c.haSendHeartbeatInterval,
    housekeepingIntervalMs: c.haHousekeepingInterval,
    transferBatchSize: c.haTransferBatchSize,
    authToken: c.haAuthToken,
    syncFromLastFile: c.haSyncFromLastFile,
    maxGapNotInSync: c.haMaxGapNotInSync,
    slaveTimeoutMs: c.slaveTimeout,
  };
}

export class HaMasterService implements HaRole {
  private readonly links = new Set<HaConnection>();
  private readonly server: Server;
  private readonly store: MessageStore;
  private readonly opts: HaMasterOptions;
  private readonly log: Logger;
  /** SYNC_MASTER only: the waits of puts for a slave's ack. */
  readonly groupTransfer: GroupTransferService | undefined;
  private push2SlaveMaxOffset = 0;
  private roundEnd: number;
  private wakeQueued = false;
  private closed = false;
  private boundPort = 0;

  private constructor(store: MessageStore, opts: HaMasterOptions, log: Logger) {
    this.store = store;
    this.opts = opts;
    this.log = log;
    this.roundEnd = store.writtenPhyOffset;
    // Slaves need bytes fast: a deeper write buffer than Node's 16 KiB keeps batches in flight.
    this.server = createServer({ highWaterMark: 4 * opts.transferBatchSize }, (s) =>
      this.accept(s),
    );
    if (opts.role === 'SYNC_MASTER') {
      const view = {
        inSyncCount: () => this.inSyncCount(),
        ackedOffset: () => this.push2SlaveMaxOffset,
        writtenEnd: () => this.store.writtenPhyOffset,
      };
      this.groupTransfer = new GroupTransferService(view, opts);
      store.addPutWaiter(this.groupTransfer.waiter);
    }
    store.onWritten(() => this.onRound());
  }

  /** Binds haListenPort and serves slaves; rejects with a clear error when the port is taken. */
  static async start(
    store: MessageStore,
    opts: HaMasterOptions,
    log: Logger,
  ): Promise<HaMasterService> {
    const m = new HaMasterService(store, opts, log);
    await m.listen();
    return m;
  }

  private listen(): Promise<void> {
    const { listenPort, bindAddress } = this.opts;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        const why =
          err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.code})`;
        const msg = `haListenPort ${listenPort} on ${bindAddress} ${why}; set haListenPort to a free port`;
        // No cause: the startup report would read it as the main port (listenPort) in use.
        reject(new Error(msg));
      };
      this.server.once('error', onError);
      this.server.listen(listenPort, bindAddress, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.log.error({ err }, 'HA listener failed'));
        const a = this.server.address();
        this.boundPort = typeof a === 'object' && a ? a.port : listenPort;
        this.log.info(
          { haServerAddr: this.haServerAddr, role: this.opts.role },
          'HA master listening',
        );
        resolve();
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  /** What the name servers are told slaves reach this master at. */
  get haServerAddr(): string {
    return `${this.opts.advertisedHost}:${this.boundPort}`;
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const link = new HaConnection(socket, this.store, this.opts, this.log, {
      onAck: () => this.recompute(),
      onClose: (l) => {
        this.links.delete(l);
        this.recompute();
      },
    });
    this.links.add(link);
  }

  /** A write round ended: every link gets the new bytes, once per round at most. */
  private onRound(): void {
    const now = Date.now();
    for (const l of this.links) l.noteRound(this.roundEnd, now);
    this.roundEnd = this.store.writtenPhyOffset;
    if (this.wakeQueued || this.links.size === 0) return;
    this.wakeQueued = true;
    // Not inside the store's round hook: a socket write belongs to the HA link, not to the round.
    process.nextTick(() => {
      this.wakeQueued = false;
      for (const l of this.links) l.pump();
    });
  }

  private inSyncCount(): number {
    let n = 0;
    for (const l of this.links) if (l.inSync) n++;
    return n;
  }

  /** push2SlaveMaxOffset over the slaves connected now; releases the puts it covers. */
  private recompute(): void {
    let max = 0;
    for (const l of this.links) if (l.inSync && l.ackOffset > max) max = l.ackOffset;
    this.push2SlaveMaxOffset = max;
    this.groupTransfer?.acked(max);
  }

  status(): HaMasterStatus {
    const end = this.store.writtenPhyOffset;
    const now = Date.now();
    const slaves: ReplicaLag[] = [];
    for (const l of this.links) {
      if (l.ackOffset >= 0) slaves.push({ addr: l.addr, ...l.lag(end, now) });
    }
    return {
      role: this.opts.role,
      haServerAddr: this.haServerAddr,
      slaves,
      push2SlaveMaxOffset: this.push2SlaveMaxOffset,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.groupTransfer?.close();
    for (const l of [...this.links]) l.close('the master is shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
