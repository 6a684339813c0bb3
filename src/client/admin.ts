// Typed admin calls over the remoting client (DefaultMQAdminExt, the parts mqadmin needs now):
// cluster info, topic routes and lists, topic creation on every master of a cluster, offsets,
// message queries, and dead letters read (PULL_MESSAGE through impl/pull-api.ts) and resent.
// Send, pull and offset headers come from the codecs in protocol/headers/.

import { createLogger, type Logger } from '../common/logger.js';
import {
  DLQ_GROUP_TOPIC_PREFIX,
  MessageConst,
  type MessageExt,
  MessageSysFlag,
  RETRY_GROUP_TOPIC_PREFIX,
  TOOLS_CONSUMER_GROUP,
} from '../message/message.js';
import { decodeOffsetMsgId } from '../message/message-id.js';
import { encodeProperties } from '../message/properties-codec.js';
import { TBW102 } from '../message/system-topics.js';
import { decodeKvTable } from '../protocol/bodies/kv-table.js';
import { decodeOffsetTable, type QueueOffset } from '../protocol/bodies/offset-table.js';
import {
  type ClusterInfo,
  decodeClusterInfo,
  type TopicRouteData,
} from '../protocol/bodies/route-data.js';
import { decodeTopicList } from '../protocol/bodies/topic-list.js';
import {
  encodeQueryConsumerOffsetHeader,
  encodeTopicQueueHeader,
} from '../protocol/headers/offsets.js';
import { encodeSendHeader } from '../protocol/headers/send.js';
import { createRequest, createRequestWithFields } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { MQBrokerError, MQClientError } from './errors.js';
import { readAddrOf } from './impl/broker-addr-table.js';
import { ClientInstance } from './impl/client-instance.js';
import { decodeMessages } from './impl/decode-messages.js';
import { buildPullRequest, decodePullResult, plainPullHeader } from './impl/pull-api.js';
import * as tx from './impl/transaction-admin.js';

export interface CreateTopicOptions {
  topic: string;
  /** Create on every master of this cluster… */
  clusterName?: string;
  /** …or on this one broker address. */
  brokerAddr?: string;
  readQueueNums?: number;
  writeQueueNums?: number;
  perm?: number;
  order?: boolean;
  /** RocketMQ's attribute alterations, "+queue.type=BatchCQ,+k=v,-k" (UPDATE_AND_CREATE_TOPIC). */
  attributes?: string | undefined;
}

/** One broker's answer to UPDATE_AND_CREATE_TOPIC. */
export interface CreatedTopic {
  brokerAddr: string;
  /**
   * Set when the broker took the change but a name server did not have it by the answer (the
   * broker names which, and why); the topic is routable through the others, and the broker's next
   * registration retries the rest.
   */
  warning?: string;
}

export class AdminClient {
  private readonly client: ClientInstance;

  constructor(options: { namesrvAddr: string; logger?: Logger }) {
    this.client = new ClientInstance(
      options.namesrvAddr,
      options.logger ?? createLogger('kitemq-admin', 'warn'),
    );
  }

  /**
   * The client these calls run on: for admin modules beside this file (admin-*.ts), which add
   * operator calls without growing this class.
   */
  get instance(): ClientInstance {
    return this.client;
  }

  close(): void {
    this.client.shutdown();
  }

  async getClusterInfo(): Promise<ClusterInfo> {
    const res = await this.client.invokeNamesrv(
      createRequest(RequestCode.GET_BROKER_CLUSTER_INFO, 0),
    );
    if (res.code !== ResponseCode.SUCCESS || !res.body)
      throw new MQClientError(`cluster info failed: ${res.remark ?? res.code}`);
    return decodeClusterInfo(res.body);
  }

  /** GET_BROKER_RUNTIME_INFO (28): the broker's KVTable of stats, as mqadmin brokerStatus. */
  async getBrokerRuntimeInfo(brokerAddr: string): Promise<Record<string, string>> {
    const req = createRequest(RequestCode.GET_BROKER_RUNTIME_INFO, 0);
    const res = await this.client.remoting.invoke(brokerAddr, req);
    if (res.code !== ResponseCode.SUCCESS || !res.body)
      throw new MQBrokerError(res.code, res.remark, brokerAddr);
    return decodeKvTable(res.body);
  }

  getTopicRoute(topic: string): Promise<TopicRouteData> {
    return this.client.updateRoute(topic);
  }

  async getAllTopics(): Promise<string[]> {
    const res = await this.client.invokeNamesrv(
      createRequest(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, 0),
    );
    if (res.code !== ResponseCode.SUCCESS || !res.body)
      throw new MQClientError(`topic list failed: ${res.remark ?? res.code}`);
    return decodeTopicList(res.body).topicList;
  }

  /** UPDATE_AND_CREATE_TOPIC on each target broker; returns the brokers it was created on. */
  async createTopic(o: CreateTopicOptions): Promise<CreatedTopic[]> {
    let targets: string[];
    if (o.brokerAddr) targets = [o.brokerAddr];
    else if (o.clusterName) targets = await this.masterAddrs(o.clusterName);
    else throw new MQClientError('createTopic needs a clusterName (-c) or a brokerAddr (-b)');
    const ext = {
      topic: o.topic,
      defaultTopic: TBW102,
      readQueueNums: o.readQueueNums ?? 8,
      writeQueueNums: o.writeQueueNums ?? 8,
      perm: o.perm ?? 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: o.order ?? false,
      ...(o.attributes ? { attributes: o.attributes } : {}),
    };
    const created: CreatedTopic[] = [];
    for (const addr of targets) {
      const res = await this.client.remoting.invoke(
        addr,
        createRequest(RequestCode.UPDATE_AND_CREATE_TOPIC, 0, ext),
      );
      if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
      created.push(res.remark ? { brokerAddr: addr, warning: res.remark } : { brokerAddr: addr });
    }
    return created;
  }

  async masterAddrs(clusterName: string): Promise<string[]> {
    const info = await this.getClusterInfo();
    const names = info.clusterAddrTable[clusterName];
    if (!names) {
      const known = Object.keys(info.clusterAddrTable).join(', ') || 'none';
      throw new MQClientError(
        `cluster ${clusterName} is not registered with the name server (known: ${known})`,
      );
    }
    return names
      .map((n) => info.brokerAddrTable[n]?.brokerAddrs['0'])
      .filter((a): a is string => a !== undefined);
  }

  /**
   * Deletes a topic from every master of the cluster, then from every name server (mqadmin
   * deleteTopic). Returns the brokers it was deleted from.
   */
  async deleteTopic(topic: string, clusterName: string): Promise<string[]> {
    const addrs = await this.masterAddrs(clusterName);
    for (const addr of addrs) {
      const res = await this.client.remoting.invoke(
        addr,
        createRequest(RequestCode.DELETE_TOPIC_IN_BROKER, 0, { topic }),
      );
      if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
    }
    for (const ns of this.client.namesrvList) {
      const res = await this.client.remoting.invoke(
        ns,
        createRequest(RequestCode.DELETE_TOPIC_IN_NAMESRV, 0, { topic }),
      );
      if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, ns);
    }
    return addrs;
  }

  async getMaxOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
    return this.offsetCall(brokerAddr, RequestCode.GET_MAX_OFFSET, topic, queueId);
  }

  async getMinOffset(brokerAddr: string, topic: string, queueId: number): Promise<number> {
    return this.offsetCall(brokerAddr, RequestCode.GET_MIN_OFFSET, topic, queueId);
  }

  /** -1 when the group has no committed offset for the queue. */
  async queryConsumerOffset(
    brokerAddr: string,
    group: string,
    topic: string,
    queueId: number,
  ): Promise<number> {
    const res = await this.client.remoting.invoke(
      brokerAddr,
      createRequestWithFields(
        RequestCode.QUERY_CONSUMER_OFFSET,
        encodeQueryConsumerOffsetHeader({ consumerGroup: group, topic, queueId }),
      ),
    );
    if (res.code === ResponseCode.QUERY_NOT_FOUND) return -1;
    if (res.code !== ResponseCode.SUCCESS)
      throw new MQBrokerError(res.code, res.remark, brokerAddr);
    return Number(res.extFields.offset);
  }

  async getConsumerIds(brokerAddr: string, group: string): Promise<string[]> {
    const res = await this.client.remoting.invoke(
      brokerAddr,
      createRequest(RequestCode.GET_CONSUMER_LIST_BY_GROUP, 0, { consumerGroup: group }),
    );
    if (res.code !== ResponseCode.SUCCESS || !res.body) return [];
    return (JSON.parse(res.body.toString('utf8')) as { consumerIdList: string[] }).consumerIdList;
  }

  /** QUERY_MESSAGE on every broker of the topic: messages whose KEYS or UNIQ_KEY is `key`. */
  async queryMessageByKey(topic: string, key: string, maxNum = 32): Promise<MessageExt[]> {
    const route = await this.getTopicRoute(topic);
    const out: MessageExt[] = [];
    for (const bd of route.brokerDatas) {
      const addr = readAddrOf(bd.brokerAddrs); // a read: the slave answers while the master is down
      if (!addr) continue;
      const ext = { topic, key, maxNum, beginTimestamp: 0, endTimestamp: Date.now() + 60_000 };
      const res = await this.client.remoting.invoke(
        addr,
        createRequest(RequestCode.QUERY_MESSAGE, 0, ext),
      );
      if (res.code === ResponseCode.SUCCESS && res.body) out.push(...decodeMessages(res.body));
      else if (res.code !== ResponseCode.QUERY_NOT_FOUND)
        throw new MQBrokerError(res.code, res.remark, addr);
    }
    return out;
  }

  /** VIEW_MESSAGE_BY_ID on the broker named inside an offset message id. */
  async viewMessage(offsetMsgId: string): Promise<MessageExt> {
    const { storeHost, commitLogOffset } = decodeOffsetMsgId(offsetMsgId);
    const res = await this.client.remoting.invoke(
      storeHost,
      createRequest(RequestCode.VIEW_MESSAGE_BY_ID, 0, { offset: commitLogOffset }),
    );
    if (res.code !== ResponseCode.SUCCESS || !res.body)
      throw new MQBrokerError(res.code, res.remark, storeHost);
    return decodeMessages(res.body)[0]!;
  }

  /**
   * INVOKE_BROKER_TO_RESET_OFFSET on every broker of the topic: the group's offsets move to the
   * first message stored at or after `timestamp` (ms; -1 = the end), live consumers follow on
   * their next pull. Returns the new offset of every queue.
   */
  async resetOffsetByTime(
    topic: string,
    group: string,
    timestamp: number,
    force = true,
  ): Promise<QueueOffset[]> {
    const route = await this.getTopicRoute(topic);
    const out: QueueOffset[] = [];
    for (const bd of route.brokerDatas) {
      const addr = bd.brokerAddrs['0'];
      if (!addr) continue;
      const res = await this.client.remoting.invoke(
        addr,
        createRequest(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, 0, {
          topic,
          group,
          timestamp,
          isForce: force,
        }),
      );
      if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
      if (res.body) out.push(...decodeOffsetTable(res.body));
    }
    return out;
  }

  /**
   * Dead letters of a group: messages in %DLQ%<group> from the oldest on (up to maxNum), read
   * without committing. RETRY_TOPIC names the topic each came from.
   */
  async queryDlqMessages(group: string, maxNum = 32): Promise<MessageExt[]> {
    const topic = DLQ_GROUP_TOPIC_PREFIX + group;
    const route = await this.getTopicRoute(topic);
    const out: MessageExt[] = [];
    for (const qd of route.queueDatas) {
      const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
      const addr = bd && readAddrOf(bd.brokerAddrs);
      if (!addr) continue;
      for (let q = 0; q < qd.readQueueNums && out.length < maxNum; q++) {
        let offset = await this.getMinOffset(addr, topic, q);
        while (out.length < maxNum) {
          const header = plainPullHeader(
            TOOLS_CONSUMER_GROUP,
            topic,
            q,
            offset,
            Math.min(32, maxNum - out.length),
            '*',
            undefined,
          );
          const res = await this.client.remoting.invoke(addr, buildPullRequest(header));
          const r = decodePullResult(res, []);
          if (r.status !== 'FOUND' || r.msgs.length === 0) break;
          out.push(...r.msgs.slice(0, maxNum - out.length));
          offset = r.nextBeginOffset;
        }
      }
    }
    return out;
  }

  /**
   * Sends a dead letter back to its group alone: a copy goes to %RETRY%<group> with
   * reconsumeTimes 0, so only that group consumes it again (from the topic it came from) and it
   * has its full retry budget. Returns the copy's offset msgId.
   */
  async resendDlqMessage(group: string, offsetMsgId: string): Promise<string> {
    const m = await this.viewMessage(offsetMsgId);
    if (m.topic !== DLQ_GROUP_TOPIC_PREFIX + group) {
      throw new MQClientError(
        `message ${offsetMsgId} is in ${m.topic}, not in the dead letters of ${group}`,
      );
    }
    const retryTopic = RETRY_GROUP_TOPIC_PREFIX + group;
    const properties = { ...m.properties };
    properties[MessageConst.RETRY_TOPIC] ??= m.topic;
    for (const k of [MessageConst.DELAY, MessageConst.REAL_TOPIC, MessageConst.REAL_QID]) {
      if (properties[k] !== undefined) delete properties[k];
    }
    const route = await this.getTopicRoute(retryTopic).catch(() => undefined);
    const addr = route?.brokerDatas[0]?.brokerAddrs['0'] ?? m.storeHost;
    const res = await this.client.remoting.invoke(
      addr,
      createRequestWithFields(
        RequestCode.SEND_MESSAGE_V2,
        encodeSendHeader(
          {
            producerGroup: TOOLS_CONSUMER_GROUP,
            topic: retryTopic,
            defaultTopic: TBW102,
            defaultTopicQueueNums: 1,
            queueId: 0,
            // The body goes as stored: still compressed if it was (the flag travels with it).
            sysFlag: m.sysFlag & (MessageSysFlag.COMPRESSED | MessageSysFlag.MULTI_TAGS | 0x700),
            bornTimestamp: Date.now(),
            flag: m.flag,
            properties: encodeProperties(properties),
            reconsumeTimes: 0,
            unitMode: false,
          },
          { v2: true },
        ),
        m.body,
      ),
    );
    if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
    return res.extFields.msgId ?? '';
  }

  /** A broker's pending and discarded half messages and per-topic transaction counters. */
  queryHalfMessages(brokerAddr: string, topic?: string): Promise<tx.HalfMessageReport> {
    return tx.queryHalfMessages(this.client, brokerAddr, topic);
  }

  /** Forces a commit (true) or rollback of one transaction; the first decision wins. */
  endHalfMessage(brokerAddr: string, transactionId: string, commit: boolean): Promise<string> {
    return tx.endHalfMessage(this.client, brokerAddr, transactionId, commit);
  }

  /** Puts a discarded half message (its offset msgId) back to be checked. */
  resumeCheckHalfMessage(brokerAddr: string, msgId: string, topic?: string): Promise<string> {
    return tx.resumeCheckHalfMessage(this.client, brokerAddr, msgId, topic);
  }

  private async offsetCall(
    addr: string,
    code: number,
    topic: string,
    queueId: number,
  ): Promise<number> {
    const ext = encodeTopicQueueHeader({ topic, queueId });
    const res = await this.client.remoting.invoke(addr, createRequestWithFields(code, ext));
    if (res.code !== ResponseCode.SUCCESS) throw new MQBrokerError(res.code, res.remark, addr);
    return Number(res.extFields.offset);
  }
}
