// SlaveSynchronize (4.9.8 broker/.../slave/SlaveSynchronize, BrokerOuterAPI#getAllTopicConfig and
// siblings): a SLAVE pulls its master's metadata every SLAVE_SYNC_INTERVAL_MS (the first round
// SLAVE_SYNC_FIRST_DELAY_MS after start), from the master's VIP port (listenPort −
// FAST_CHANNEL_PORT_OFFSET, BrokerOuterAPI's brokerVIPChannel), with the broker's RemotingClient:
//   21  GET_ALL_TOPIC_CONFIG              replaces the topic table, with the master's DataVersion
//   43  GET_ALL_CONSUMER_OFFSET           merged by maximum per topic@group/queue (RocketMQ puts
//                                         the master's over the slave's; see mergeMax for why not)
//   45  GET_ALL_DELAY_OFFSET              delayOffset.json, merged by maximum per level, written
//   201 GET_ALL_SUBSCRIPTIONGROUP_CONFIG  replaces the groups when the DataVersion differs
//   28  GET_BROKER_RUNTIME_INFO           its commitLogMinOffset bounds the slave's retention
//                                         (clean-service.ts follower mode); Java masters send it
// The master's address is a function: the name server's register answer supplies it (masterAddr),
// so a master that moved is followed at the next round. Each part runs even when another failed;
// a failed part keeps what the slave had. SYSTEM_ERROR to 43/45 is a master with no offsets yet
// ("No consumer offset in this broker"), not a failure. A round that fails logs one warning;
// later failures of the same streak log at debug, and the first good round after says so.
import {
  FAST_CHANNEL_PORT_OFFSET,
  SLAVE_SYNC_FIRST_DELAY_MS,
  SLAVE_SYNC_INTERVAL_MS,
} from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import { createRequest, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode, requestCodeName } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { RemotingClient } from '../../remoting/remoting-client.js';
import type { ConsumerOffsetManager } from '../managers/consumer-offset-manager.js';
import type { SubscriptionGroupManager } from '../managers/subscription-group-manager.js';
import type { TopicConfigManager } from '../managers/topic-config-manager.js';
import type { ScheduleMessageService } from '../schedule/schedule-message-service.js';
import {
  decodeCommitLogMinOffset,
  decodeConsumerOffsetWrapper,
  decodeDelayOffsetTable,
  decodeSubscriptionGroups,
  decodeTopicConfigWrapper,
} from './sync-bodies.js';

export interface SlaveSyncDeps {
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly schedule: ScheduleMessageService;
  /** The store's clean service in follower mode. */
  readonly clean: { setMasterMinOffset(offset: number): void };
  readonly client: Pick<RemotingClient, 'invoke'>;
  /** The master's remoting address (host:listenPort); undefined while it is not known. */
  readonly masterAddr: () => string | undefined;
  readonly log: Logger;
}

export interface SlaveSyncOptions {
  readonly intervalMs: number;
  readonly firstDelayMs: number;
  /** Per request; RocketMQ's BrokerOuterAPI uses 3 s. */
  readonly timeoutMs: number;
}

export const DEFAULT_SLAVE_SYNC_OPTIONS: SlaveSyncOptions = {
  intervalMs: SLAVE_SYNC_INTERVAL_MS,
  firstDelayMs: SLAVE_SYNC_FIRST_DELAY_MS,
  timeoutMs: 3_000,
};

export type SyncPart = 'topics' | 'offsets' | 'delayOffsets' | 'groups' | 'commitLogMinOffset';

export interface SyncRound {
  /** Undefined when the master's address was not known: nothing was asked. */
  readonly master: string | undefined;
  readonly failed: Partial<Record<SyncPart, string>>;
}

/** host:port → host:(port − 2), the master's VIP channel. */
export function vipAddress(addr: string): string {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  if (i < 0 || !Number.isSafeInteger(port) || port <= FAST_CHANNEL_PORT_OFFSET) return addr;
  return `${addr.slice(0, i)}:${port - FAST_CHANNEL_PORT_OFFSET}`;
}

export class SlaveSynchronize {
  private readonly d: SlaveSyncDeps;
  private readonly o: SlaveSyncOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncRound> | undefined;
  private failing = false;
  private stopped = true;
  /** Rounds finished (tests and runtime info). */
  rounds = 0;

  constructor(d: SlaveSyncDeps, o: Partial<SlaveSyncOptions> = {}) {
    this.d = d;
    this.o = { ...DEFAULT_SLAVE_SYNC_OPTIONS, ...o };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.o.firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.syncAll().finally(() => this.schedule(this.o.intervalMs));
    }, ms);
    this.timer.unref();
  }

  /** One round now (or the one in flight); never rejects. */
  syncAll(): Promise<SyncRound> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
      this.rounds++;
    });
    return this.running;
  }

  private async round(): Promise<SyncRound> {
    const master = this.d.masterAddr();
    if (master === undefined) return { master, failed: {} };
    const vip = vipAddress(master);
    const failed: Partial<Record<SyncPart, string>> = {};
    const parts: [SyncPart, (addr: string) => Promise<void>][] = [
      ['topics', (a) => this.syncTopics(a)],
      ['offsets', (a) => this.syncOffsets(a)],
      ['delayOffsets', (a) => this.syncDelayOffsets(a)],
      ['groups', (a) => this.syncGroups(a)],
      ['commitLogMinOffset', (a) => this.syncMinOffset(a)],
    ];
    for (const [part, run] of parts) {
      try {
        await run(vip);
      } catch (err) {
        failed[part] = err instanceof Error ? err.message : String(err);
      }
    }
    this.report(vip, failed);
    return { master: vip, failed };
  }

  private report(master: string, failed: Partial<Record<SyncPart, string>>): void {
    const bad = Object.keys(failed).length > 0;
    if (bad && !this.failing) {
      this.d.log.warn(
        { master, failed },
        'slave sync from the master failed; keeping what this broker has, retrying each round',
      );
    } else if (bad) {
      this.d.log.debug({ master, failed }, 'slave sync still failing');
    } else if (this.failing) {
      this.d.log.info({ master }, 'slave sync from the master works again');
    }
    this.failing = bad;
  }

  /** The body of a SUCCESS answer; undefined for the SYSTEM_ERROR of an empty table. */
  private async ask(addr: string, code: number, emptyOk = false): Promise<Buffer | undefined> {
    const res: RemotingCommand = await this.d.client.invoke(
      addr,
      createRequest(code, 0, {}),
      this.o.timeoutMs,
    );
    if (res.code === ResponseCode.SUCCESS) return res.body ?? Buffer.alloc(0);
    if (emptyOk && res.code === ResponseCode.SYSTEM_ERROR) return undefined;
    throw new Error(`${requestCodeName(code)} answered ${res.code} ${res.remark ?? ''}`.trim());
  }

  private async syncTopics(addr: string): Promise<void> {
    const { topics, dataVersion } = decodeTopicConfigWrapper(
      await this.ask(addr, RequestCode.GET_ALL_TOPIC_CONFIG),
    );
    if (this.d.topics.replaceAll(topics, dataVersion)) {
      this.d.log.info({ topics: topics.length, dataVersion }, 'topic configs synced from master');
    }
  }

  private async syncOffsets(addr: string): Promise<void> {
    const body = await this.ask(addr, RequestCode.GET_ALL_CONSUMER_OFFSET, true);
    if (body === undefined) return;
    const changed = this.d.offsets.mergeMax(decodeConsumerOffsetWrapper(body));
    if (changed > 0) await this.d.offsets.persist();
  }

  private async syncDelayOffsets(addr: string): Promise<void> {
    const body = await this.ask(addr, RequestCode.GET_ALL_DELAY_OFFSET, true);
    if (body === undefined) return;
    await this.d.schedule.applyMasterOffsets(decodeDelayOffsetTable(body));
  }

  private async syncGroups(addr: string): Promise<void> {
    const { groups, dataVersion } = decodeSubscriptionGroups(
      await this.ask(addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG),
    );
    if (this.d.groups.replaceAll(groups, dataVersion)) {
      await this.d.groups.stored();
      this.d.log.info({ groups: groups.length, dataVersion }, 'subscription groups synced');
    }
  }

  private async syncMinOffset(addr: string): Promise<void> {
    const body = await this.ask(addr, RequestCode.GET_BROKER_RUNTIME_INFO);
    const min = decodeCommitLogMinOffset(body);
    if (min !== undefined) this.d.clean.setMasterMinOffset(min);
  }
}
