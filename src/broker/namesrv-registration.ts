// Keeps this broker registered with every name server (BrokerOuterAPI#registerBrokerAll):
// REGISTER_BROKER at start, every registerNameServerPeriod, and at once when topics change; the
// connection stays open because a name server drops a broker whose channel closes.
// UNREGISTER_BROKER at shutdown.
import type { BrokerConfig } from '../common/config/broker-config.js';
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

export class NamesrvRegistration {
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private readonly addrs: string[];
  private readonly config: BrokerConfig;
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
    this.addrs = parseNamesrvAddr(config.namesrvAddr);
  }

  async start(): Promise<void> {
    if (this.addrs.length === 0) {
      this.log.warn({}, 'namesrvAddr is empty: clients cannot find this broker; pass -n host:9876');
      return;
    }
    await this.registerAll();
    const period = Math.max(10_000, Math.min(this.config.registerNameServerPeriod, 60_000));
    this.timer = setInterval(() => void this.registerAll(), period);
    this.timer.unref();
  }

  /** Topic changes are pushed at once, coalescing bursts (heartbeats creating retry topics). */
  scheduleRegister(): void {
    if (this.pending || this.addrs.length === 0) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.registerAll();
    }, 10);
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
          .invoke(addr, createRequest(RequestCode.UNREGISTER_BROKER, 0, header), 3_000)
          .catch((err: unknown) =>
            this.log.warn({ err, namesrv: addr }, 'unregister broker failed'),
          ),
      ),
    );
  }

  async registerAll(): Promise<boolean> {
    const body = this.buildBody();
    const header = {
      brokerName: this.config.brokerName,
      brokerAddr: this.brokerAddr,
      clusterName: this.config.brokerClusterName,
      haServerAddr: `${this.config.brokerIP2}:${this.config.listenPort + 1}`,
      brokerId: this.config.brokerId,
      compressed: false,
      bodyCrc32: bodyCrc32(body),
    };
    const results = await Promise.all(
      this.addrs.map(async (addr) => {
        try {
          const res = await this.client.invoke(
            addr,
            createRequest(RequestCode.REGISTER_BROKER, 0, header, body),
            24_000,
          );
          if (res.code !== ResponseCode.SUCCESS) {
            this.log.warn(
              { namesrv: addr, code: res.code, remark: res.remark },
              'register broker refused',
            );
            return false;
          }
          return true;
        } catch (err) {
          this.log.warn({ err, namesrv: addr }, 'register broker failed; will retry');
          return false;
        }
      }),
    );
    return results.every(Boolean);
  }

  private buildBody(): Buffer {
    // A broker that is not fully RW advertises its topics' perm ANDed with its own, so
    // producers stop choosing a read-only broker (BrokerController#registerBrokerAll).
    const brokerPerm = this.config.brokerPermission;
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
