// Keeps this broker registered with every name server (BrokerOuterAPI#registerBrokerAll):
// REGISTER_BROKER at start, every registerNameServerPeriod, and at once when topics change; the
// connection stays open because a name server drops a broker whose channel closes.
// UNREGISTER_BROKER at shutdown.
//
// A request that changes topics a client can see is answered only after the name servers have
// the change (AdminBrokerProcessor#updateAndCreateTopic → registerIncrementBrokerData), so
// `mqadmin updateTopic … && start-producer` finds the route. A change no answer waits on (made
// by a request that then failed) is pushed 10 ms later, coalesced with others.
import type { BrokerConfig } from '../common/config/broker-config.js';
import {
  DEFAULT_REGISTER_BROKER_TIMEOUT_MS,
  REGISTER_NAME_SERVER_PERIOD_MAX_MS,
  REGISTER_NAME_SERVER_PERIOD_MIN_MS,
  TOPIC_CHANGE_REGISTER_WAIT_MS,
  UNREGISTER_BROKER_TIMEOUT_MS,
} from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { isReadable, isWriteable } from '../common/perm.js';
import { bodyCrc32 } from '../message/record-codec.js';
import { createRequest } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { RemotingClient } from '../remoting/remoting-client.js';
import type { TopicConfigManager } from './managers/topic-config-manager.js';

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

  /** A topic changed: pushed 10 ms later, coalesced, unless a request publishes it first. */
  scheduleRegister(): void {
    this.changes++;
    if (this.pending || this.addrs.length === 0) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.registerAll();
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
    if (this.addrs.length === 0) return Promise.resolve(undefined);
    return this.publish()
      .then((r) => settled(r, TOPIC_CHANGE_REGISTER_WAIT_MS))
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
        resolve(this.register());
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

  /** REGISTER_BROKER with every name server; true when all of them took it. */
  async registerAll(): Promise<boolean> {
    return (await settled(this.register())).length === 0;
  }

  /** Sends one registration to every name server; its body holds every change made so far. */
  private register(): Registration {
    const body = this.buildBody();
    const header = {
      brokerName: this.config.brokerName,
      brokerAddr: this.brokerAddr,
      clusterName: this.config.brokerClusterName,
      haServerAddr: this.haServerAddr ?? `${this.config.brokerIP2}:${this.config.listenPort + 1}`,
      brokerId: this.config.brokerId,
      compressed: false,
      bodyCrc32: bodyCrc32(body),
    };
    const r: Registration = {
      covers: this.changes,
      answers: this.addrs.map((addr) => ({ addr, answer: this.registerWith(addr, header, body) })),
    };
    this.inFlight = r;
    void Promise.all(r.answers.map((a) => a.answer)).then(() => {
      if (this.inFlight === r) this.inFlight = undefined;
    });
    return r;
  }

  private async registerWith(
    addr: string,
    header: Record<string, string | number | boolean>,
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

  private buildBody(): Buffer {
    // A broker that is not fully RW advertises its topics' perm ANDed with its own, so
    // producers stop choosing a read-only broker (BrokerController#registerBrokerAll, which
    // puts the broker's perm in place of each topic's). A name server's wipeWritePerm is not
    // undone by the periodic registration: the body's DataVersion is unchanged, and RocketMQ
    // 4.9's RouteInfoManager#registerBroker keeps the queue data it has then. It lasts until
    // this broker's topics change (a new version), the broker registers anew (restart, expiry),
    // or addWritePerm / a brokerPermission update rewrites it.
    const brokerPerm = this.brokerPermission;
    const restrict = !isWriteable(brokerPerm) || !isReadable(brokerPerm);
    const topicConfigTable = Object.fromEntries(
      this.topics
        .all()
        .map((t) => [t.topicName, restrict ? { ...t, perm: t.perm & brokerPerm } : t]),
    );
    return Buffer.from(
      JSON.stringify({
        filterServerList: [],
        topicConfigSerializeWrapper: { dataVersion: this.topics.dataVersion, topicConfigTable },
      }),
      'utf8',
    );
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
