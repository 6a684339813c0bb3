// The name server's tables (RouteInfoManager, spec part 1 §3.1, §3.5): topic → queue data per
// broker, broker name → addresses, cluster → broker names, and broker liveness. A broker is
// dropped when its registration channel closes or it stays silent past its heartbeat timeout.
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import { PERM_READ, PERM_WRITE } from '../common/perm.js';
import type {
  BrokerData,
  ClusterInfo,
  DataVersion,
  QueueData,
  RegisterBrokerBody,
  TopicRouteData,
} from '../protocol/bodies/route-data.js';
import type { Connection } from '../remoting/connection.js';

const MASTER_ID = '0';

interface BrokerLiveInfo {
  clusterName: string;
  brokerName: string;
  brokerId: string;
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  conn: Connection | undefined;
  haServerAddr: string;
}

export interface RegisterRequest {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  heartbeatTimeoutMillis?: number;
  body: RegisterBrokerBody;
  /**
   * The body holds every topic of the broker (completeTopicTable=true, sent by KiteMQ brokers on
   * full registrations): topics missing from it lose this broker's queues. Without it a body may
   * be partial (registerIncrementBrokerData, a split batch) and only adds or updates, as Apache's
   * name server does with deleteTopicWithBrokerRegistration off (its default).
   */
  complete?: boolean;
  conn?: Connection;
}

const sameVersion = (a: DataVersion, b: DataVersion) =>
  a.counter === b.counter &&
  a.timestamp === b.timestamp &&
  (a.stateVersion ?? 0) === (b.stateVersion ?? 0);

export class RouteInfoManager {
  private readonly topicQueueTable = new Map<string, Map<string, QueueData>>();
  private readonly brokerAddrTable = new Map<string, BrokerData>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerLiveTable = new Map<string, BrokerLiveInfo>();
  private sortedTopics: readonly string[] | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private defaultTimeoutMs: number;

  constructor(log: Logger, defaultTimeoutMs: number, now: () => number = Date.now) {
    this.log = log;
    this.defaultTimeoutMs = defaultTimeoutMs;
    this.now = now;
  }

  /** brokerChannelExpiredTime changed at run time: brokers registering from now on get it. */
  setDefaultTimeoutMs(ms: number): void {
    assert(ms > 0, 'a broker timeout is positive');
    this.defaultTimeoutMs = ms;
  }

  /** Returns the master's address and HA address when a slave registers. */
  registerBroker(r: RegisterRequest): { masterAddr?: string; haServerAddr?: string } {
    let names = this.clusterAddrTable.get(r.clusterName);
    if (!names) {
      names = new Set();
      this.clusterAddrTable.set(r.clusterName, names);
    }
    names.add(r.brokerName);
    let bd = this.brokerAddrTable.get(r.brokerName);
    const registerFirst = !bd;
    if (!bd) {
      bd = { brokerAddrs: {}, brokerName: r.brokerName, cluster: r.clusterName };
      this.brokerAddrTable.set(r.brokerName, bd);
    }
    // One address holds one id: a slave promoted to master drops its old entry.
    for (const [id, addr] of Object.entries(bd.brokerAddrs)) {
      if (addr === r.brokerAddr && id !== String(r.brokerId)) delete bd.brokerAddrs[id];
    }
    bd.brokerAddrs[String(r.brokerId)] = r.brokerAddr;
    const prev = this.brokerLiveTable.get(r.brokerAddr);
    const changed = registerFirst || !prev || !sameVersion(prev.dataVersion, r.body.dataVersion);
    if (String(r.brokerId) === MASTER_ID) {
      for (const tc of Object.values(r.body.topicConfigTable)) {
        const qd: QueueData = {
          brokerName: r.brokerName,
          perm: tc.perm,
          readQueueNums: tc.readQueueNums,
          topicSysFlag: tc.topicSysFlag ?? 0,
          writeQueueNums: tc.writeQueueNums,
        };
        const queues = this.topicQueueTable.get(tc.topicName);
        if (changed || !queues?.has(r.brokerName)) this.putQueueData(tc.topicName, qd);
      }
      if (r.complete) this.dropTopicsMissingFrom(r.brokerName, r.body);
    }
    this.brokerLiveTable.set(r.brokerAddr, {
      clusterName: r.clusterName,
      brokerName: r.brokerName,
      brokerId: String(r.brokerId),
      lastUpdateTimestamp: this.now(),
      heartbeatTimeoutMillis: r.heartbeatTimeoutMillis ?? this.defaultTimeoutMs,
      dataVersion: r.body.dataVersion,
      conn: r.conn ?? prev?.conn,
      haServerAddr: r.haServerAddr,
    });
    if (registerFirst)
      this.log.info({ brokerName: r.brokerName, addr: r.brokerAddr }, 'new broker registered');
    if (String(r.brokerId) !== MASTER_ID) {
      const masterAddr = bd.brokerAddrs[MASTER_ID];
      const master = masterAddr ? this.brokerLiveTable.get(masterAddr) : undefined;
      if (masterAddr && master) return { masterAddr, haServerAddr: master.haServerAddr };
    }
    return {};
  }

  private putQueueData(topic: string, qd: QueueData): void {
    let m = this.topicQueueTable.get(topic);
    if (!m) {
      m = new Map();
      this.topicQueueTable.set(topic, m);
      this.sortedTopics = undefined;
    }
    m.set(qd.brokerName, qd);
  }

  /**
   * A complete registration is authoritative: topics the master no longer has lose its queues.
   * Whatever its DataVersion: the delete's own registration may have missed this name server.
   */
  private dropTopicsMissingFrom(brokerName: string, body: RegisterBrokerBody): void {
    // Deleting the entry being visited is safe in a Map iteration; no copy of 100k entries.
    for (const [topic, m] of this.topicQueueTable) {
      if (m.has(brokerName) && !(topic in body.topicConfigTable)) {
        m.delete(brokerName);
        if (m.size === 0) this.dropTopic(topic);
      }
    }
  }

  queryDataVersionChanged(
    brokerAddr: string,
    version: DataVersion,
  ): { changed: boolean; current?: DataVersion } {
    const live = this.brokerLiveTable.get(brokerAddr);
    if (!live) return { changed: true };
    live.lastUpdateTimestamp = this.now();
    return { changed: !sameVersion(live.dataVersion, version), current: live.dataVersion };
  }

  unregisterBroker(
    clusterName: string,
    brokerAddr: string,
    brokerName: string,
    brokerId: number,
  ): void {
    this.brokerLiveTable.delete(brokerAddr);
    const bd = this.brokerAddrTable.get(brokerName);
    if (bd && bd.brokerAddrs[String(brokerId)] === brokerAddr)
      delete bd.brokerAddrs[String(brokerId)];
    if (bd && Object.keys(bd.brokerAddrs).length === 0) {
      this.brokerAddrTable.delete(brokerName);
      const names = this.clusterAddrTable.get(clusterName);
      names?.delete(brokerName);
      if (names && names.size === 0) this.clusterAddrTable.delete(clusterName);
      for (const [topic, m] of [...this.topicQueueTable]) {
        m.delete(brokerName);
        if (m.size === 0) this.dropTopic(topic);
      }
    }
    this.log.info({ brokerName, brokerAddr, brokerId }, 'broker unregistered');
  }

  /** Channel loss unregisters the broker bound to that connection at once. */
  onChannelDestroy(conn: Connection): void {
    for (const [addr, live] of [...this.brokerLiveTable]) {
      if (live.conn === conn)
        this.unregisterBroker(live.clusterName, addr, live.brokerName, Number(live.brokerId));
    }
  }

  /** scanNotActiveBroker: removes brokers silent past their timeout; returns how many. */
  scanNotActiveBroker(): number {
    const now = this.now();
    let removed = 0;
    for (const [addr, live] of [...this.brokerLiveTable]) {
      if (live.lastUpdateTimestamp + live.heartbeatTimeoutMillis >= now) continue;
      this.log.warn(
        { addr, silentMs: now - live.lastUpdateTimestamp },
        'broker expired; removing its routes',
      );
      live.conn?.close();
      this.unregisterBroker(live.clusterName, addr, live.brokerName, Number(live.brokerId));
      removed++;
    }
    return removed;
  }

  pickupTopicRouteData(topic: string): TopicRouteData | undefined {
    const queues = this.topicQueueTable.get(topic);
    if (!queues || queues.size === 0) return undefined;
    const queueDatas = [...queues.values()].map((q) => ({ ...q }));
    const brokerDatas: BrokerData[] = [];
    for (const name of queues.keys()) {
      const bd = this.brokerAddrTable.get(name);
      if (bd) brokerDatas.push({ ...bd, brokerAddrs: { ...bd.brokerAddrs } });
    }
    if (brokerDatas.length === 0) return undefined;
    assert(queueDatas.length > 0, 'a route has queues');
    return { brokerDatas, queueDatas, filterServerTable: {} };
  }

  clusterInfo(): ClusterInfo {
    return {
      brokerAddrTable: Object.fromEntries(this.brokerAddrTable),
      clusterAddrTable: Object.fromEntries(
        [...this.clusterAddrTable].map(([c, s]) => [c, [...s].sort()]),
      ),
    };
  }

  private dropTopic(topic: string): void {
    if (this.topicQueueTable.delete(topic)) this.sortedTopics = undefined;
  }

  /** GET_ALL_TOPIC_LIST's answer: sorted once per change of the topic set, not per request. */
  allTopicsSorted(): readonly string[] {
    this.sortedTopics ??= [...this.topicQueueTable.keys()].sort();
    return this.sortedTopics;
  }

  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  topicsOfCluster(cluster: string): string[] {
    const names = this.clusterAddrTable.get(cluster) ?? new Set<string>();
    return [...this.topicQueueTable]
      .filter(([, m]) => [...m.keys()].some((b) => names.has(b)))
      .map(([t]) => t);
  }

  deleteTopic(topic: string, clusterName?: string): void {
    if (!clusterName) {
      this.dropTopic(topic);
      return;
    }
    const m = this.topicQueueTable.get(topic);
    for (const b of this.clusterAddrTable.get(clusterName) ?? []) m?.delete(b);
    if (m && m.size === 0) this.dropTopic(topic);
  }

  /**
   * RouteInfoManager#operateWritePermOfBroker: wipe clears the write bit of the broker's queue
   * data on every topic, add sets it to RW. Either holds until the broker's next registration
   * with a changed data version rewrites its queue data. Returns how many topics it touched.
   */
  operateWritePermOfBroker(brokerName: string, op: 'wipe' | 'add'): number {
    let topics = 0;
    for (const m of this.topicQueueTable.values()) {
      const qd = m.get(brokerName);
      if (!qd) continue;
      qd.perm = op === 'wipe' ? qd.perm & ~PERM_WRITE : PERM_READ | PERM_WRITE;
      topics++;
    }
    return topics;
  }

  /** RouteInfoManager#getSystemTopicList: cluster and broker names, and one broker address. */
  systemTopicList(): { topicList: string[]; brokerAddr?: string } {
    const topicList: string[] = [];
    for (const [cluster, names] of this.clusterAddrTable) topicList.push(cluster, ...names);
    for (const bd of this.brokerAddrTable.values()) {
      const first = Object.values(bd.brokerAddrs)[0];
      if (first !== undefined) return { topicList, brokerAddr: first };
    }
    return { topicList };
  }
}
