// Keeps this broker registered with every name server (BrokerOuterAPI#registerBrokerAll):
// REGISTER_BROKER at start, every registerNameServerPeriod, and at once when topics change; the
// connection stays open because a name server drops a broker whose channel closes.
// UNREGISTER_BROKER at shutdown.
//
// A request that changes topics a client can see is answered only after the change is on disk
// and the name servers have it (AdminBrokerProcessor#updateAndCreateTopic →
// registerIncrementBrokerData), so `mqadmin updateTopic … && start-producer` finds the route. A
// change no answer waits on (made by a request that then failed) is pushed 10 ms later,
// coalesced with others.
//
// A created or updated topic is registered alone, with the new DataVersion (an incremental
// registration: the name server adds it and keeps the rest). Deletes, version bumps and the
// periodic round send every topic, with completeTopicTable=true in the header so our name
// server drops the topics missing from it (Apache's never does; mqadmin deleteTopic also asks
// each name server). A full body past REGISTER_BROKER_BODY_MAX_BYTES is compressed, and split in
// batches of splitRegistrationSize if still too big; batches are partial, so not marked complete.

import type { BrokerConfig } from '../common/config/broker-config.js';
import {
  DEFAULT_REGISTER_BROKER_TIMEOUT_MS,
  REGISTER_NAME_SERVER_PERIOD_MAX_MS,
  REGISTER_NAME_SERVER_PERIOD_MIN_MS,
  TOPIC_CHANGE_REGISTER_WAIT_MS,
  UNREGISTER_BROKER_TIMEOUT_MS,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { RemotingClient } from '../remoting/remoting-client.js';
import type { TopicConfig, TopicConfigManager } from './managers/topic-config-manager.js';
import {
  buildRegisterRequests,
  type RegisterHeader,
  type RegisterIdentity,
  registerBodyInput,
} from './register-requests.js';

export function parseNamesrvAddr(list: string): string[] {
  return list
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A name server that did not take a registration, and why. */
export interface MissedNamesrv {
  addr: string;
  reason: string;
}

/** What processors need: answer a topic change once the name servers route it. */
export interface TopicChangePublisher {
  /** Taken before a request may change topics; pass it to publishSince. */
  changeMark(): number;
  /**
   * undefined when no topic changed since the mark. Otherwise registers now and resolves once
   * every name server answered, or TOPIC_CHANGE_REGISTER_WAIT_MS passed: undefined when all took
   * it, else a remark naming those that did not (the request still succeeded).
   */
  publishSince(mark: number): Promise<string | undefined> | undefined;
  /** publishSince, changed or not: an admin call repeated for a name server that missed it. */
  publishNow(): Promise<string | undefined>;
  /**
   * UPDATE_BROKER_CONFIG set brokerPermission: registers at once with the new perm and a new
   * topic DataVersion; resolves as publishNow does.
   */
  brokerPermissionChanged(perm: number): Promise<string | undefined>;
}

/** The master a name server named in its answer to a slave (RegisterBrokerResult). */
export interface MasterAnswer {
  readonly masterAddr: string | undefined;
  readonly haServerAddr: string | undefined;
}

export class NamesrvRegistration implements TopicChangePublisher {
  /** The master the name servers last named; a slave's HA client and metadata sync follow it. */
  master: MasterAnswer | undefined;
  /** Name servers that took a registration so far (a SLAVE with none naming a master fails). */
  accepted = 0;
  private readonly masterListeners: ((m: MasterAnswer) => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  /** Topic changes seen so far (TopicConfigManager#onChange). */
  private changes = 0;
  /** Topics created or updated since the last registration: the next incremental body. */
  private readonly dirty = new Set<string>();
  /** A change only a full registration carries (a delete, a version bump) is waiting. */
  private fullPending = false;
  /** The previous registration's requests, once built; the next one is sent after them. */
  private lastBuilt: Promise<unknown> = Promise.resolve();
  /** The latest registration started, and the changes its body holds. */
  private inFlight: Registration | undefined;
  /** A registration about to start, shared by every change made in this turn of the loop. */
  private next: Promise<Registration> | undefined;
  private readonly periodMs: number;
  /** The bound HA address of this master (brokerIP2:haListenPort); unset: listenPort + 1. */
  haServerAddr: string | undefined;
  private readonly addrs: string[];
  private readonly config: BrokerConfig;
  /** Live: UPDATE_BROKER_CONFIG changes it (the rest of config is fixed at start). */
  private brokerPermission: number;
  private readonly brokerAddr: string;
  private readonly topics: TopicConfigManager;
  private readonly client: RemotingClient;
  private readonly log: Logger;

  constructor(
    config: BrokerConfig,
    brokerAddr: string,
    topics: TopicConfigManager,
    client: RemotingClient,
    log: Logger,
  ) {
    this.config = config;
    this.brokerAddr = brokerAddr;
    this.topics = topics;
    this.client = client;
    this.log = log;
    this.brokerPermission = config.brokerPermission;
    this.addrs = parseNamesrvAddr(config.namesrvAddr);
    this.periodMs = Math.max(
      REGISTER_NAME_SERVER_PERIOD_MIN_MS,
      Math.min(config.registerNameServerPeriod, REGISTER_NAME_SERVER_PERIOD_MAX_MS),
    );
  }

  async start(): Promise<void> {
    if (this.addrs.length === 0) {
      this.log.warn({}, 'namesrvAddr is empty: clients cannot find this broker; pass -n host:9876');
      return;
    }
    await this.registerAll();
    this.timer = setInterval(() => void this.registerAll(), this.periodMs);
    this.timer.unref();
  }

  /** Called whenever a name server's answer names a different master. */
  onMasterChange(fn: (m: MasterAnswer) => void): void {
    this.masterListeners.push(fn);
  }

  private noteMaster(res: { extFields: Record<string, string> }): void {
    this.accepted++;
    const masterAddr = res.extFields.masterAddr || undefined;
    const haServerAddr = res.extFields.haServerAddr || undefined;
    if (!masterAddr) return; // a master's own answer, or a name server that knows none yet
    const was = this.master;
    if (was?.masterAddr === masterAddr && was.haServerAddr === haServerAddr) return;
    this.master = { masterAddr, haServerAddr };
    for (const fn of this.masterListeners) fn(this.master);
  }

  /**
   * A topic changed (TopicConfigManager#onChange): pushed 10 ms later, coalesced, unless a request
   * publishes it first. `changed` undefined: every topic must be sent again.
   */
  scheduleRegister(changed?: readonly TopicConfig[]): void {
    this.changes++;
    if (changed === undefined) this.fullPending = true;
    else for (const t of changed) this.dirty.add(t.topicName);
    if (this.pending || this.addrs.length === 0) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      // A periodic round may have carried it already.
      if (this.dirty.size > 0 || this.fullPending) void settled(this.register(false));
    }, 10);
  }

  changeMark(): number {
    return this.changes;
  }

  publishSince(mark: number): Promise<string | undefined> | undefined {
    if (mark === this.changes || this.addrs.length === 0) return undefined;
    return this.publishNow();
  }

  publishNow(): Promise<string | undefined> {
    // On disk before anyone is told: a crash after the answer keeps the topic.
    const durable = this.topics.durable();
    if (this.addrs.length === 0) return durable.then(() => undefined);
    const r = this.publish();
    return Promise.all([durable, r])
      .then(([, reg]) => settled(reg, TOPIC_CHANGE_REGISTER_WAIT_MS))
      .then((missed) => this.missedRemark(missed));
  }

  /**
   * The registration that carries every change made so far: the one in flight if it was built
   * after them, else one started at the end of this turn, so a burst (a chunk of heartbeats each
   * creating a retry topic) shares one REGISTER_BROKER. The name server handles one connection's
   * requests in order, so a later registration never lands before an earlier one.
   */
  private publish(): Promise<Registration> {
    if (this.inFlight && this.inFlight.covers >= this.changes) {
      return Promise.resolve(this.inFlight);
    }
    if (this.pending) {
      clearTimeout(this.pending); // this registration carries what it was waiting to push
      this.pending = undefined;
    }
    this.next ??= new Promise((resolve) => {
      setImmediate(() => {
        this.next = undefined;
        resolve(this.register(false));
      });
    });
    return this.next;
  }

  /**
   * AdminBrokerProcessor#updateBrokerConfig (4.9): nextVersion, then registerBrokerAll. The
   * name server rewrites a master's queue data only when its DataVersion changed
   * (RouteInfoManager#registerBroker), so the bump is what makes the new perm reach routes.
   */
  brokerPermissionChanged(perm: number): Promise<string | undefined> {
    this.brokerPermission = perm;
    this.topics.nextDataVersion();
    return this.publishNow();
  }

  private missedRemark(missed: MissedNamesrv[]): string | undefined {
    if (missed.length === 0) return undefined;
    const ok = this.addrs.length - missed.length;
    const list = missed.map((m) => `${m.addr} (${m.reason})`).join(', ');
    return (
      `done, but only ${ok} of ${this.addrs.length} name servers have it yet; not reached: ` +
      `${list}. The broker registers again every ${this.periodMs / 1000} s; until then clients ` +
      'asking those name servers do not see the change'
    );
  }

  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    const header = {
      brokerName: this.config.brokerName,
      brokerAddr: this.brokerAddr,
      clusterName: this.config.brokerClusterName,
      brokerId: this.config.brokerId,
    };
    await Promise.all(
      this.addrs.map((addr) =>
        this.client
          .invoke(
            addr,
            createRequest(RequestCode.UNREGISTER_BROKER, 0, header),
            UNREGISTER_BROKER_TIMEOUT_MS,
          )
          .catch((err: unknown) =>
            this.log.warn({ err, namesrv: addr }, 'unregister broker failed'),
          ),
      ),
    );
  }

  /** A full REGISTER_BROKER with every name server; true when all of them took it. */
  async registerAll(): Promise<boolean> {
    return (await settled(this.register(true))).length === 0;
  }

  /**
   * Sends one registration to every name server, holding every change made so far: the topics
   * changed since the last one, or all of them when `full`, when a change needs it, or when
   * nothing changed (a create repeated for a name server that missed it).
   */
  private register(full: boolean): Registration {
    const incremental = !full && !this.fullPending && this.dirty.size > 0;
    const topics = incremental ? this.changedTopics() : this.topics.all();
    this.dirty.clear();
    if (!incremental) this.fullPending = false;
    const input = registerBodyInput(topics, this.topics.dataVersion, this.brokerPermission);
    const built = buildRegisterRequests(this.identity(), input, !incremental);
    // Sent in the order built: a full body still deflating must not land after a later
    // incremental one, or its complete table (without the new topic) would drop that topic.
    const requests = Promise.all([this.lastBuilt, built]).then(([, reqs]) => reqs);
    this.lastBuilt = requests.catch(() => undefined);
    const r: Registration = {
      covers: this.changes,
      answers: this.addrs.map((addr) => ({
        addr,
        answer: requests.then(
          (reqs) => this.registerWithAll(addr, reqs),
          (err: unknown) => ({ addr, reason: `register body not built: ${String(err)}` }),
        ),
      })),
    };
    this.inFlight = r;
    void Promise.all(r.answers.map((a) => a.answer)).then(() => {
      if (this.inFlight === r) this.inFlight = undefined;
    });
    return r;
  }

  private identity(): RegisterIdentity {
    return {
      config: this.config,
      brokerAddr: this.brokerAddr,
      haServerAddr: this.haServerAddr ?? `${this.config.brokerIP2}:${this.config.listenPort + 1}`,
      log: this.log,
    };
  }

  private changedTopics(): TopicConfig[] {
    const out: TopicConfig[] = [];
    for (const name of this.dirty) {
      const tc = this.topics.get(name);
      if (tc) out.push(tc);
    }
    return out;
  }

  /** Every request of one registration, in order, on one name server; a miss stops the rest. */
  private async registerWithAll(
    addr: string,
    reqs: readonly { header: RegisterHeader; body: Buffer }[],
  ): Promise<MissedNamesrv | undefined> {
    for (const { header, body } of reqs) {
      const missed = await this.registerWith(addr, header, body);
      if (missed) return missed;
    }
    return undefined;
  }

  private async registerWith(
    addr: string,
    header: RegisterHeader,
    body: Buffer,
  ): Promise<MissedNamesrv | undefined> {
    try {
      const res = await this.client.invoke(
        addr,
        createRequest(RequestCode.REGISTER_BROKER, 0, header, body),
        DEFAULT_REGISTER_BROKER_TIMEOUT_MS,
      );
      if (res.code === ResponseCode.SUCCESS) {
        this.noteMaster(res);
        return undefined;
      }
      this.log.warn(
        { namesrv: addr, code: res.code, remark: res.remark },
        'register broker refused',
      );
      return { addr, reason: `refused: ${res.remark ?? `code ${res.code}`}` };
    } catch (err) {
      this.log.warn({ err, namesrv: addr }, 'register broker failed; will retry');
      return { addr, reason: err instanceof Error ? err.message : String(err) };
    }
  }
}

/** One REGISTER_BROKER per name server; each answer is a miss or undefined, never a rejection. */
interface Registration {
  covers: number;
  answers: { addr: string; answer: Promise<MissedNamesrv | undefined> }[];
}

/**
 * The name servers that missed a registration. With waitMs, resolves by then at the latest,
 * counting those still silent as missed (their request runs on, up to the register timeout).
 */
async function settled(r: Registration, waitMs?: number): Promise<MissedNamesrv[]> {
  const results = await Promise.all(
    r.answers.map(({ addr, answer }) =>
      waitMs === undefined ? answer : withDeadline(answer, addr, waitMs),
    ),
  );
  return results.filter((m): m is MissedNamesrv => m !== undefined);
}

/** The name server's answer, or a miss once waitMs passed without one. */
function withDeadline(
  answer: Promise<MissedNamesrv | undefined>,
  addr: string,
  waitMs: number,
): Promise<MissedNamesrv | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<MissedNamesrv>((resolve) => {
    timer = setTimeout(() => resolve({ addr, reason: `no answer within ${waitMs} ms` }), waitMs);
    timer.unref();
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}
