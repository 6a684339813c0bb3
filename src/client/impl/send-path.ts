// One producer's send path (DefaultMQProducerImpl#sendKernelImpl and the queue choice around it):
// the SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE header from the send codec, the writable queues of a
// topic's route, a selector's or an exact queue, and one attempt on one queue whose latency and
// outcome feed the fault strategy. SUCCESS, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT and
// SLAVE_NOT_AVAILABLE are results (the message is stored); any other code rejects with an
// MQBrokerError carrying it (send-retry.ts decides what is tried again).
import { processMs } from '../../common/process-clock.js';
import { TBW102 } from '../../message/system-topics.js';
import type { FrameSink } from '../../protocol/frame-sink.js';
import { encodeSendHeader } from '../../protocol/headers/send.js';
import {
  createRequestWithFields,
  type ExtFields,
  type RemotingCommand,
  type SerializeTypeValue,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import {
  type SendRequestFields,
  writeSendRequestFrame,
} from '../../protocol/send-request-frame.js';
import {
  emptySendResponse,
  type SendResponseFields,
  sendResponseOf,
} from '../../protocol/send-response-frame.js';
import { MQBrokerError, MQClientError } from '../errors.js';
import type { Message, MessageQueueSelector, SendResult, SendStatus } from '../producer-types.js';
import { abortable } from './abort.js';
import type { MessageQueue } from './allocate.js';
import type { ClientInstance } from './client-instance.js';
import type { FaultStrategy } from './fault-strategy.js';
import { wrapNamespace } from './namespace.js';

/** What one attempt stored; the caller adds the msgId it assigned. */
export type SendAttempt = Omit<SendResult, 'msgId'>;
/**
 * What a send puts on the wire whatever the queue: data, not a closure, so a send allocates no
 * function per call. msgId is what the result carries (the UNIQ_KEY, comma-joined for a batch).
 */
export interface SendSpec {
  code: number;
  /**
   * The properties string is propertiesHead + uniqKey + propertiesTail: a single send's unique
   * key sits in the middle and the three go out unjoined (uniqKey '' when it is not there).
   */
  propertiesHead: string;
  uniqKey: string;
  propertiesTail: string;
  body: Buffer;
  sysFlag: number;
  batch: boolean;
  msgId: string;
}

const EMPTY = Buffer.alloc(0);
/** The fields encodeFrame hands the frame writer: filled and used at once, never kept. */
const FRAME: SendRequestFields = {
  code: 0,
  producerGroup: '',
  topic: '',
  queueId: 0,
  sysFlag: 0,
  bornTimestamp: 0,
  propertiesHead: '',
  uniqKey: '',
  propertiesTail: '',
  batch: false,
  body: EMPTY,
};

const STATUS: Record<number, SendStatus> = {
  [ResponseCode.SUCCESS]: 'SEND_OK',
  [ResponseCode.FLUSH_DISK_TIMEOUT]: 'FLUSH_DISK_TIMEOUT',
  [ResponseCode.FLUSH_SLAVE_TIMEOUT]: 'FLUSH_SLAVE_TIMEOUT',
  [ResponseCode.SLAVE_NOT_AVAILABLE]: 'SLAVE_NOT_AVAILABLE',
};

export class SendPath {
  readonly client: ClientInstance;
  readonly fault: FaultStrategy;
  /** The producer group (namespaced) and the namespace its topics are wrapped in. */
  private readonly names: { producerGroup: string; namespace: string };

  constructor(
    client: ClientInstance,
    fault: FaultStrategy,
    names: { producerGroup: string; namespace: string },
  ) {
    this.client = client;
    this.fault = fault;
    this.names = names;
  }

  /** SendMessageRequestHeaderV2 (Java's client sends defaultTopicQueueNums 4, flag 0). */
  header(mq: MessageQueue, properties: string, batch: boolean, sysFlag = 0): ExtFields {
    return encodeSendHeader(
      {
        producerGroup: this.names.producerGroup,
        topic: mq.topic,
        defaultTopic: TBW102,
        defaultTopicQueueNums: 4,
        queueId: mq.queueId,
        sysFlag,
        bornTimestamp: Date.now(),
        flag: 0,
        properties,
        reconsumeTimes: 0,
        unitMode: false,
        batch,
      },
      { v2: true },
    );
  }

  async writableQueues(topic: string): Promise<readonly MessageQueue[]> {
    const queues = await this.client.publishQueues(topic);
    if (queues.length === 0) {
      throw new MQClientError(`no writable queue for topic ${topic}; check its perm and brokers`);
    }
    return queues;
  }

  /** The selector sees the plain topic and queues, as Java's sendSelectImpl shows them. */
  async selectQueue(
    msg: Message,
    selector: MessageQueueSelector,
    arg: unknown,
  ): Promise<MessageQueue> {
    const wire = wrapNamespace(this.names.namespace, msg.topic);
    const queues = await this.writableQueues(wire);
    const plain = queues.map((q) => ({ ...q, topic: msg.topic }));
    const mq = selector(plain, msg, arg);
    if (!queues.some((q) => q.brokerName === mq?.brokerName && q.queueId === mq.queueId)) {
      throw new MQClientError('the selector returned a queue that is not in the topic route');
    }
    return { ...mq, topic: wire };
  }

  /** Java's send(msg, mq): the queue as given, on the message's own topic. */
  exactQueue(wireTopic: string, mq: MessageQueue): MessageQueue {
    const topic = wrapNamespace(this.names.namespace, mq.topic);
    if (topic !== wireTopic) {
      throw new MQClientError(`the message's topic ${wireTopic} is not the queue's ${mq.topic}`);
    }
    return { ...mq, topic };
  }

  /** The request of `spec` on `mq`. */
  request(mq: MessageQueue, spec: SendSpec): RemotingCommand {
    const properties = spec.propertiesHead + spec.uniqKey + spec.propertiesTail;
    return createRequestWithFields(
      spec.code,
      this.header(mq, properties, spec.batch, spec.sysFlag),
      spec.body,
    );
  }

  /** The frame of request(mq, spec) with this opaque, written from the fields into the sink. */
  writeFrame(
    mq: MessageQueue,
    spec: SendSpec,
    opaque: number,
    serializeType: SerializeTypeValue | undefined,
    inlineBodyBytes: number,
    sink: FrameSink,
  ): void {
    const f = FRAME;
    f.code = spec.code;
    f.producerGroup = this.names.producerGroup;
    f.topic = mq.topic;
    f.queueId = mq.queueId;
    f.sysFlag = spec.sysFlag;
    f.bornTimestamp = Date.now();
    f.propertiesHead = spec.propertiesHead;
    f.uniqKey = spec.uniqKey;
    f.propertiesTail = spec.propertiesTail;
    f.batch = spec.batch;
    f.body = spec.body;
    writeSendRequestFrame(f, opaque, serializeType, inlineBodyBytes, sink);
    f.body = EMPTY; // the scratch must not keep a body alive
  }

  /** One attempt on one queue; its latency feeds the fault strategy. */
  async attempt(
    mq: MessageQueue,
    req: RemotingCommand,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    msgId = '',
  ): Promise<SendResult> {
    const t0 = processMs();
    let res: RemotingCommand;
    try {
      res = await abortable(this.client.invokeBroker(mq.brokerName, req, timeoutMs), signal);
    } catch (err) {
      this.failed(mq, t0, signal);
      throw err;
    }
    return this.result(mq, sendResponseOf(res, emptySendResponse()), t0, msgId);
  }

  /** Not reachable in time (connect refused, timeout): leave this broker alone for a while. */
  failed(mq: MessageQueue, t0: number, signal: AbortSignal | undefined): void {
    if (!signal?.aborted) this.fault.update(mq.brokerName, processMs() - t0, true);
  }

  /**
   * The broker's answer to an attempt begun at t0 (processMs()): the result, or an
   * MQBrokerError. The queue of the result is the one sent to (shared, frozen) when the broker
   * stored it there, as it does.
   */
  result(mq: MessageQueue, res: SendResponseFields, t0: number, msgId: string): SendResult {
    const status = STATUS[res.code];
    if (!status) {
      this.fault.update(mq.brokerName, processMs() - t0, true, false);
      throw new MQBrokerError(res.code, res.remark, this.client.masterAddr(mq.brokerName) ?? '');
    }
    this.fault.update(mq.brokerName, processMs() - t0, false);
    const queueId = res.queueId;
    return {
      sendStatus: status,
      msgId,
      offsetMsgId: res.msgId,
      messageQueue: queueId === mq.queueId ? mq : { ...mq, queueId },
      queueOffset: res.queueOffset,
    };
  }

  /** A fixed queue: one attempt, no failover (which would break the order it was chosen for). */
  async sendToQueue(
    mq: MessageQueue,
    spec: SendSpec,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<SendResult> {
    await this.writableQueues(mq.topic); // the route, and so the broker's address
    return this.attempt(mq, this.request(mq, spec), timeoutMs, signal, spec.msgId);
  }
}
