// A transaction producer (TransactionMQProducer, DefaultMQProducerImpl#sendMessageInTransaction,
// #endTransaction and #checkTransactionState; spec transactions.md §1.1, §1.2, §1.5).
//
// send(msg, arg) sends a half message: the normal send path (Producer#sendKernel: queue choice,
// retries) with TRAN_MSG=true and PGROUP=<group> added and sysFlag |= TRANSACTION_PREPARED_TYPE.
// A delay level is dropped, as Java's client drops it ("ignore DelayTimeLevel parameter"; a
// delayed half message would loop through SCHEDULE_TOPIC_XXXX, rocketmq#1540). Then, as Java:
// - SEND_OK: executeLocalTransaction(msg, arg) runs, and its answer is the state;
// - stored but not durable yet (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE): the
//   local transaction does not run and the state is ROLLBACK;
// - a send that fails (refused, unreachable, timed out) rejects: no local transaction, no end.
// The state then goes one-way as END_TRANSACTION to the master of the broker that took the half
// (impl/end-transaction.ts); if that cannot be sent it is logged, and the broker's check-back
// decides later. The result is { localTransactionState, transactionId, sendResult }.
//
// A broker's CHECK_TRANSACTION_STATE for this group (any member of the group may get it) runs
// checkLocalTransaction(msg) and answers with END_TRANSACTION, fromTransactionCheck=true.
// Both listener callbacks may be async; a throw means UNKNOWN.
import { createLogger, type Logger } from '../common/logger.js';
import { MessageConst, type MessageExt, MessageSysFlag } from '../message/message.js';
import type { CheckTransactionStateRequestHeader } from '../protocol/headers/check-transaction-state.js';
import type { RemotingCommand } from '../protocol/remoting-command.js';
import { MQClientError } from './errors.js';
import {
  checkAnswerRequest,
  endTransactionRequest,
  type ListenerOutcome,
  type LocalTransactionState,
  runListener,
} from './impl/end-transaction.js';
import { unwrapNamespace } from './impl/namespace.js';
import type { SendAttempt } from './impl/send-path.js';
import { Producer } from './producer.js';
import type { Message, ProducerOptions, SendResult } from './producer-types.js';

export { LocalTransactionState } from './impl/end-transaction.js';
export type { Message, SendResult } from './producer-types.js';

/** The message the listener sees, with its transactionId (the UNIQ_KEY). */
export type TransactionMessage = Message & { transactionId: string };
/** A checked half message as the broker stored it, topic without the namespace. */
export type CheckedMessage = MessageExt & { transactionId: string };

export interface TransactionListener {
  /** Runs after the half message is stored (SEND_OK); `arg` is what send() was given. */
  executeLocalTransaction(
    msg: TransactionMessage,
    arg: unknown,
  ): LocalTransactionState | Promise<LocalTransactionState>;
  /** The broker asks again about a transaction it has no answer for (or an UNKNOWN one). */
  checkLocalTransaction(
    msg: CheckedMessage,
  ): LocalTransactionState | Promise<LocalTransactionState>;
}

export interface TransactionProducerOptions extends ProducerOptions {
  transactionListener: TransactionListener;
}

export interface TransactionSendResult {
  localTransactionState: LocalTransactionState;
  transactionId: string;
  sendResult: SendResult;
}

/** The plain producer, opened up for the half send. */
class HalfProducer extends Producer {
  get group(): string {
    return this.opts.producerGroup;
  }

  get namespace(): string {
    return this.opts.namespace;
  }

  get clientInstance() {
    return this.client;
  }

  checkStarted(): void {
    this.assertStarted();
  }

  async sendHalf(original: Message): Promise<{
    wireTopic: string;
    uniqKey: string;
    half: SendAttempt;
    sendResult: SendResult;
  }> {
    const msg = this.inNamespace({ ...original, delayTimeLevel: 0 });
    const properties = this.properties(msg);
    delete properties[MessageConst.DELAY];
    properties[MessageConst.TRAN_MSG] = 'true';
    properties[MessageConst.PGROUP] = this.opts.producerGroup;
    const { body, sysFlag } = this.bodyOf(msg);
    const half = await this.sendKernel(
      original,
      msg.topic,
      properties,
      body,
      sysFlag | MessageSysFlag.TRANSACTION_PREPARED_TYPE,
      {},
    );
    const uniqKey = properties[MessageConst.UNIQ_KEY]!;
    const sendResult = this.outOfNamespace({ ...half, msgId: uniqKey });
    return { wireTopic: msg.topic, uniqKey, half, sendResult };
  }
}

export class TransactionProducer {
  private readonly producer: HalfProducer;
  private readonly listener: TransactionListener;
  private readonly log: Logger;
  /** Brokers told of this group by a heartbeat since they took a half message. */
  private readonly heartbeated = new Set<string>();

  constructor(options: TransactionProducerOptions) {
    const { transactionListener, ...rest } = options;
    if (!transactionListener) throw new MQClientError('TransactionListener is null');
    this.listener = transactionListener;
    this.log =
      options.logger ?? createLogger('kitemq-producer', process.env.KITEMQ_LOG_LEVEL ?? 'warn');
    this.producer = new HalfProducer({ ...rest, logger: this.log });
  }

  async start(): Promise<void> {
    this.producer.clientInstance.registerTransactionChecker(
      this.producer.group,
      (check, msg, reply) => void this.answerCheck(check, msg, reply),
    );
    await this.producer.start();
  }

  async shutdown(): Promise<void> {
    this.producer.clientInstance.registerTransactionChecker(this.producer.group, undefined);
    await this.producer.shutdown();
  }

  /** Java's sendMessageInTransaction(msg, arg). */
  async send(msg: Message, arg?: unknown): Promise<TransactionSendResult> {
    this.producer.checkStarted();
    const { wireTopic, uniqKey, half, sendResult } = await this.producer.sendHalf(msg);
    this.heartbeatOnce(half.messageQueue.brokerName);
    const outcome: ListenerOutcome =
      half.sendStatus === 'SEND_OK'
        ? await runListener(() =>
            this.listener.executeLocalTransaction({ ...msg, transactionId: uniqKey }, arg),
          )
        : { state: 'ROLLBACK' };
    if ('error' in outcome) {
      this.log.warn({ err: outcome.error, transactionId: uniqKey }, 'local transaction threw');
    }
    await this.endTransaction(wireTopic, uniqKey, half, outcome);
    return { localTransactionState: outcome.state, transactionId: uniqKey, sendResult };
  }

  /** The same as send(msg, arg), by the Java name. */
  sendMessageInTransaction(msg: Message, arg?: unknown): Promise<TransactionSendResult> {
    return this.send(msg, arg);
  }

  /**
   * A check-back reaches only a producer the broker knows from a HEART_BEAT, and the periodic one
   * comes every 30 s: the first half message a broker takes is followed by one at once.
   */
  private heartbeatOnce(brokerName: string): void {
    const client = this.producer.clientInstance;
    const addr = client.masterAddr(brokerName);
    if (!addr || this.heartbeated.has(addr)) return;
    this.heartbeated.add(addr);
    client.sendHeartbeatToAllBrokers().catch((err: unknown) => {
      this.heartbeated.delete(addr);
      this.log.warn({ err }, 'heartbeat after the first half message failed');
    });
  }

  private async endTransaction(
    topic: string,
    uniqKey: string,
    half: SendAttempt,
    outcome: ListenerOutcome,
  ): Promise<void> {
    const client = this.producer.clientInstance;
    try {
      const addr = client.masterAddr(half.messageQueue.brokerName);
      if (!addr) throw new MQClientError(`no master for ${half.messageQueue.brokerName}`);
      const req = endTransactionRequest({
        producerGroup: this.producer.group,
        topic,
        half,
        uniqKey,
        outcome,
      });
      await client.remoting.invokeOneway(addr, req);
    } catch (err) {
      // Java logs "local transaction execute <state>, but end broker transaction failed".
      this.log.warn(
        { err, transactionId: uniqKey, state: outcome.state },
        'end transaction failed',
      );
    }
  }

  private async answerCheck(
    check: CheckTransactionStateRequestHeader,
    msg: MessageExt,
    reply: (cmd: RemotingCommand) => void,
  ): Promise<void> {
    const transactionId = msg.properties[MessageConst.UNIQ_KEY] ?? check.transactionId ?? '';
    const namespace = this.producer.namespace;
    const shown: CheckedMessage = {
      ...msg,
      topic: namespace ? unwrapNamespace(namespace, msg.topic) : msg.topic,
      transactionId,
    };
    const outcome = await runListener(() => this.listener.checkLocalTransaction(shown));
    if ('error' in outcome) {
      this.log.warn({ err: outcome.error, transactionId }, 'checkLocalTransaction threw');
    }
    reply(checkAnswerRequest({ producerGroup: this.producer.group, check, msg, outcome }));
  }
}
