// What producers and consumers share (MQClientInstance): the name-server list, cached routes,
// broker addresses, periodic route refresh and heartbeats, and broker-initiated requests
// (NOTIFY_CONSUMER_IDS_CHANGED triggers a rebalance; the offset reset and status requests 220/221
// go to offset-requests.ts, CHECK_TRANSACTION_STATE to check-transaction-state.ts), and the
// UNREGISTER_CLIENT of a shutdown. Addresses: every member of each replica set
// (broker-addr-table.ts); writes go to the master, reads and offsets to whichever member
// findBrokerAddressInSubscribe picks.

import {
  CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
  CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
} from '../../common/limits.js';
import { localIPv4 } from '../../common/local-address.js';
import type { Logger } from '../../common/logger.js';
import { isWriteable } from '../../common/perm.js';
import { TBW102 } from '../../message/system-topics.js';
import { decodeTopicRouteData, type TopicRouteData } from '../../protocol/bodies/route-data.js';
import { createRequest, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { RemotingClient } from '../../remoting/remoting-client.js';
import { MQBrokerError, MQClientError } from '../errors.js';
import type { MessageQueue } from './allocate.js';
import { BrokerAddrTable, type FoundBroker, MASTER_ID } from './broker-addr-table.js';
import { onCheckTransactionState, type TransactionChecker } from './check-transaction-state.js';
import { type ClientTransport, clientRemoting } from './client-transport.js';
import { answerConsumerAdminRequest, type ConsumerAdminSource } from './consumer-running-info.js';
import { answerOffsetRequest, type OffsetResetTarget } from './offset-requests.js';

export type { TransactionChecker } from './check-transaction-state.js';

const AUTO_CREATE_TOPIC_KEY = TBW102;

/** ClientConfig's timing fields; tests make them small. */
export interface ClientTimings {
  /** ms between route refreshes (RocketMQ: 30 s). */
  pollNameServerInterval?: number;
  /** ms between heartbeats to every broker (RocketMQ: 30 s). */
  heartbeatBrokerInterval?: number;
}

export interface HeartbeatSource {
  producerGroups(): string[];
  consumerData(): unknown[];
  onConsumerIdsChanged?(group: string): void;
  /** What answers a broker's forwarded 307/309 for this source's group. */
  consumerAdmin?: ConsumerAdminSource;
  /** What follows a broker's 220 reset and answers its 221 for this source's group. */
  offsetReset?: OffsetResetTarget;
}

let instanceCounter = 0;

export class ClientInstance {
  readonly clientId: string;
  readonly remoting: RemotingClient;
  private readonly namesrvAddrs: string[];
  private readonly routes = new Map<string, TopicRouteData>();
  private readonly addrTable = new BrokerAddrTable();
  private readonly timings: Required<ClientTimings>;
  /** publishQueues' answer per topic, for as long as its route and the master addresses hold. */
  private readonly publishCache = new Map<
    string,
    { route: TopicRouteData; queues: MessageQueue[] }
  >();
  private readonly sources = new Set<HeartbeatSource>();
  private readonly checkers = new Map<string, TransactionChecker>();
  private timers: NodeJS.Timeout[] = [];
  private nsIndex = 0;
  private readonly log: Logger;

  constructor(namesrvAddr: string, log: Logger, timings: ClientTimings & ClientTransport = {}) {
    this.timings = {
      pollNameServerInterval: CLIENT_POLL_NAME_SERVER_INTERVAL_MS,
      heartbeatBrokerInterval: CLIENT_HEARTBEAT_BROKER_INTERVAL_MS,
      ...timings,
    };
    this.namesrvAddrs = namesrvAddr
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean);
    if (this.namesrvAddrs.length === 0)
      throw new MQClientError('namesrvAddr is empty; pass host:9876[;host2:9876]');
    this.log = log;
    // Java's buildMQClientId: the client's IP, then its instance name (pid#counter#time here), so
    // consoles and `consumerProgress -s`'s #Client IP show where a client runs.
    this.clientId = `${localIPv4()}@${process.pid}#${++instanceCounter}#${Date.now() % 1_000_000}`;
    this.remoting = clientRemoting(log, (cmd, conn) => this.onServerRequest(cmd, conn), timings);
  }

  register(source: HeartbeatSource): void {
    this.sources.add(source);
  }

  unregister(source: HeartbeatSource): void {
    this.sources.delete(source);
  }

  /** The checker of a producer group (its namespaced name, as PGROUP carries it). */
  registerTransactionChecker(group: string, checker: TransactionChecker | undefined): void {
    if (checker) this.checkers.set(group, checker);
    else this.checkers.delete(group);
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const t = setInterval(
        () =>
          void fn().catch((err: unknown) =>
            this.log.warn({ err }, 'client background task failed'),
          ),
        ms,
      );
      t.unref();
      this.timers.push(t);
    };
    every(this.timings.pollNameServerInterval, () =>
      Promise.allSettled([...this.routes.keys()].map((t) => this.updateRoute(t))),
    );
    every(this.timings.heartbeatBrokerInterval, () => this.sendHeartbeatToAllBrokers());
  }

  shutdown(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.remoting.close();
  }

  /** Every configured name server (a change that all of them must see goes to each). */
  get namesrvList(): readonly string[] {
    return this.namesrvAddrs;
  }

  async invokeNamesrv(cmd: RemotingCommand, timeoutMs = 3_000): Promise<RemotingCommand> {
    let lastErr: unknown;
    for (let i = 0; i < this.namesrvAddrs.length; i++) {
      const addr = this.namesrvAddrs[(this.nsIndex + i) % this.namesrvAddrs.length]!;
      try {
        const res = await this.remoting.invoke(addr, { ...cmd }, timeoutMs);
        this.nsIndex = (this.nsIndex + i) % this.namesrvAddrs.length;
        return res;
      } catch (err) {
        lastErr = err;
      }
    }
    throw lastErr;
  }

  async updateRoute(topic: string): Promise<TopicRouteData> {
    const res = await this.invokeNamesrv(
      createRequest(RequestCode.GET_ROUTEINFO_BY_TOPIC, 0, { topic }),
    );
    if (res.code !== ResponseCode.SUCCESS || !res.body) {
      throw new MQClientError(`no route for topic ${topic}: ${res.remark ?? `code ${res.code}`}`);
    }
    const route = decodeTopicRouteData(res.body);
    this.applyRoute(topic, route);
    return route;
  }

  /** A route read from a name server: its addresses replace the ones known before. */
  applyRoute(topic: string, route: TopicRouteData): void {
    this.routes.set(topic, route);
    // A master moved or left: every topic's live brokers may differ.
    if (this.addrTable.update(route, this.routes.values())) this.publishCache.clear();
  }

  /** A topic just created by a broker (a retry topic) reaches the name servers within moments. */
  async awaitRoute(topic: string, tries = 20): Promise<void> {
    for (let i = 0; i < tries; i++) {
      try {
        await this.updateRoute(topic);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.log.warn({ topic }, 'no route yet; the next rebalance retries');
  }

  async route(topic: string): Promise<TopicRouteData> {
    return this.routes.get(topic) ?? this.updateRoute(topic);
  }

  masterAddr(brokerName: string): string | undefined {
    return this.addrTable.master(brokerName);
  }

  /** MQClientInstance#findBrokerAddressInSubscribe (broker-addr-table.ts). */
  findBrokerAddressInSubscribe(
    brokerName: string,
    brokerId: number,
    onlyThisBroker = false,
  ): FoundBroker | undefined {
    return this.addrTable.findInSubscribe(brokerName, brokerId, onlyThisBroker);
  }

  /**
   * Writable queues on brokers with a live master (topicRouteData2TopicPublishInfo). A topic
   * without a route borrows TBW102's brokers (at most 4 queues each), whose brokers create it on
   * the first send when autoCreateTopicEnable is on, as the Java producer does.
   */
  async publishQueues(topic: string): Promise<readonly MessageQueue[]> {
    const cached = this.cachedPublishQueues(topic);
    if (cached) return cached;
    let route: TopicRouteData;
    try {
      route = await this.route(topic);
    } catch (err) {
      const fallback = await this.route(AUTO_CREATE_TOPIC_KEY).catch(() => undefined);
      if (!fallback) throw err;
      route = {
        ...fallback,
        queueDatas: fallback.queueDatas.map((q) => ({
          ...q,
          writeQueueNums: Math.min(4, q.writeQueueNums),
        })),
      };
    }
    const out: MessageQueue[] = [];
    for (const qd of [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : 1))) {
      if (!isWriteable(qd.perm) || !this.masterAddr(qd.brokerName)) continue;
      for (let i = 0; i < qd.writeQueueNums; i++)
        out.push(Object.freeze({ topic, brokerName: qd.brokerName, queueId: i }));
    }
    Object.freeze(out); // shared by every send until the route changes
    if (this.routes.get(topic) === route) this.publishCache.set(topic, { route, queues: out });
    return out;
  }

  /** publishQueues without a promise, when the topic's current route has been seen. */
  cachedPublishQueues(topic: string): readonly MessageQueue[] | undefined {
    const c = this.publishCache.get(topic);
    return c && c.route === this.routes.get(topic) ? c.queues : undefined;
  }

  async subscribeQueues(topic: string): Promise<MessageQueue[]> {
    const route = await this.route(topic);
    const out: MessageQueue[] = [];
    for (const qd of route.queueDatas) {
      for (let i = 0; i < qd.readQueueNums; i++)
        out.push({ topic, brokerName: qd.brokerName, queueId: i });
    }
    return out;
  }

  invokeBroker(
    brokerName: string,
    cmd: RemotingCommand,
    timeoutMs = 3_000,
  ): Promise<RemotingCommand> {
    const addr = this.masterAddr(brokerName);
    if (!addr) {
      return Promise.reject(
        new MQClientError(`broker ${brokerName} has no master address in the route`),
      );
    }
    return this.remoting.invoke(addr, cmd, timeoutMs);
  }

  /**
   * A read or an offset for `brokerName`: to `brokerId`, else the next slave, else any member
   * (so with the master gone from the route it reaches the slave).
   */
  async invokeBrokerInSubscribe(
    brokerName: string,
    brokerId: number,
    cmd: RemotingCommand | ((from: FoundBroker) => RemotingCommand),
    timeoutMs = 3_000,
  ): Promise<{ res: RemotingCommand; from: FoundBroker }> {
    const from = this.findBrokerAddressInSubscribe(brokerName, brokerId);
    if (!from) throw new MQClientError(`broker ${brokerName} has no address in the route`);
    const req = typeof cmd === 'function' ? cmd(from) : cmd;
    try {
      return { res: await this.remoting.invoke(from.addr, req, timeoutMs), from };
    } catch (err) {
      // The member may be gone: re-read its topic's route now rather than at the next poll, so
      // the retry after the pull's back-off can already go to another member.
      const topic = req.extFields.topic;
      if (topic !== undefined) void this.updateRoute(topic).catch(() => {});
      throw err;
    }
  }

  /** The live members of a consumer group, as a broker of its topic knows them. */
  async consumerIds(group: string, brokerName: string | undefined): Promise<string[]> {
    if (!brokerName) return [];
    // findConsumerIdList asks any member: a slave knows the group from its heartbeats too.
    const { res } = await this.invokeBrokerInSubscribe(
      brokerName,
      MASTER_ID,
      createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, 0, { consumerGroup: group }),
    );
    if (res.code !== ResponseCode.SUCCESS || !res.body) return [];
    return (JSON.parse(res.body.toString('utf8')) as { consumerIdList: string[] }).consumerIdList;
  }

  async sendHeartbeatToAllBrokers(): Promise<void> {
    const consumerDataSet = [...this.sources].flatMap((s) => s.consumerData());
    const body = Buffer.from(
      JSON.stringify({
        clientID: this.clientId,
        producerDataSet: [...this.sources]
          .flatMap((s) => s.producerGroups())
          .map((groupName) => ({ groupName })),
        consumerDataSet,
      }),
    );
    // sendHeartbeatToAllBroker: consumers are known to slaves too (they pull there), a
    // producer-only client tells the masters alone.
    const addrs = this.addrTable.addrs(consumerDataSet.length === 0);
    await Promise.all(
      addrs.map(async (addr) => {
        const res = await this.remoting.invoke(
          addr,
          createRequest(RequestCode.HEART_BEAT, 0, {}, body),
        );
        if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
      }),
    );
  }

  /**
   * UNREGISTER_CLIENT to every known broker when a producer or consumer shuts down, so its group
   * forgets it at once (not after the channel expiry); a broker that does not answer is skipped.
   */
  async unregisterClient(
    group: { producerGroup: string } | { consumerGroup: string },
  ): Promise<void> {
    await Promise.all(
      this.allBrokerAddrs().map((addr) =>
        this.remoting
          .invoke(
            addr,
            createRequest(RequestCode.UNREGISTER_CLIENT, 0, { clientID: this.clientId, ...group }),
          )
          .catch(() => {}),
      ),
    );
  }

  allBrokerAddrs(): string[] {
    return this.addrTable.addrs();
  }

  private onServerRequest(cmd: RemotingCommand, conn: Connection): void {
    if (cmd.code === RequestCode.CHECK_TRANSACTION_STATE) {
      onCheckTransactionState(cmd, conn, this.checkers, this.log);
      return;
    }
    if (
      cmd.code === RequestCode.GET_CONSUMER_RUNNING_INFO ||
      cmd.code === RequestCode.CONSUME_MESSAGE_DIRECTLY
    ) {
      const admins = [...this.sources].flatMap((s) => s.consumerAdmin ?? []);
      void answerConsumerAdminRequest(cmd, admins).then((res) => conn.isClosed || conn.send(res));
      return;
    }
    if (
      cmd.code === RequestCode.RESET_CONSUMER_CLIENT_OFFSET ||
      cmd.code === RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT
    ) {
      const targets = [...this.sources].flatMap((s) => s.offsetReset ?? []);
      void answerOffsetRequest(cmd, targets, this.log).then(
        (res) => res && !conn.isClosed && conn.send(res),
      );
      return;
    }
    if (cmd.code !== RequestCode.NOTIFY_CONSUMER_IDS_CHANGED) return;
    const group = cmd.extFields.consumerGroup ?? '';
    for (const s of this.sources) s.onConsumerIdsChanged?.(group);
  }
}
