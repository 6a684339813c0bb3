// The producer's accumulator for autoBatch (RocketMQ 5.1's ProduceAccumulator and its
// MessageAccumulation): sends to one target (topic, fixed queue if any, tags: Java's
// AggregateKey) are gathered, in arrival order, into one SEND_BATCH_MESSAGE body. A batch goes
// when its bodies reach batchMaxBytes, when batchMaxDelayMs has passed since its first message,
// or before a message that would take it past maxMessageSize. Each send settles with its own
// SendResult cut from the batch's (its UNIQ_KEY, the i-th offset msgId, queueOffset base + i),
// or with the batch's error. Body bytes are held from admission until the batch's answer and
// are bounded by totalBatchMaxBytes: a send that does not fit is not admitted, and the caller
// sends it the normal way, as DefaultMQProducer#canBatch does when the accumulator is full.
//
// No I/O here: the batch is handed to a BatchSender and time comes through BatchTimers, so the
// triggers are tested without a broker or a clock.
import { assert } from '../../common/assert.js';
import type { SendResult } from '../producer-types.js';
import type { MessageQueue } from './allocate.js';

export interface AutoBatchLimits {
  batchMaxDelayMs: number;
  batchMaxBytes: number;
  totalBatchMaxBytes: number;
  /** The producer's maxMessageSize: no batch body grows past it. */
  maxMessageSize: number;
}

/** One message as it joins a batch: its encoded batch item, its body bytes and UNIQ_KEY. */
export interface BatchEntry {
  item: Buffer;
  bodyBytes: number;
  uniqKey: string;
}

/** Sends one batch body of `topic` (to `mq` when the target is a fixed queue). */
export type BatchSender = (
  topic: string,
  mq: MessageQueue | undefined,
  body: Buffer,
  msgIds: string,
) => Promise<SendResult>;

export interface BatchTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const SYSTEM_TIMERS: BatchTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Waiter {
  resolve(r: SendResult): void;
  reject(err: unknown): void;
}

/** The batch being filled for one key (MessageAccumulation). */
class Accumulation {
  readonly items: Buffer[] = [];
  readonly uniqKeys: string[] = [];
  readonly waiters: Waiter[] = [];
  bodyBytes = 0;
  wireBytes = 0;
  timer: unknown;
  readonly key: string;
  readonly topic: string;
  readonly mq: MessageQueue | undefined;

  constructor(key: string, topic: string, mq: MessageQueue | undefined) {
    this.key = key;
    this.topic = topic;
    this.mq = mq;
  }
}

export class ProduceAccumulator {
  private readonly batches = new Map<string, Accumulation>();
  private readonly inFlight = new Set<Promise<void>>();
  private held = 0;
  private readonly limits: AutoBatchLimits;
  private readonly sender: BatchSender;
  private readonly timers: BatchTimers;

  constructor(limits: AutoBatchLimits, sender: BatchSender, timers: BatchTimers = SYSTEM_TIMERS) {
    this.limits = limits;
    this.sender = sender;
    this.timers = timers;
  }

  /** Body bytes admitted and not answered yet. */
  get heldBytes(): number {
    return this.held;
  }

  /** Batches being filled (not sent yet). */
  get pendingBatches(): number {
    return this.batches.size;
  }

  /**
   * Admits `bodyBytes` (Java's tryAddMessage), or refuses when they would take the bytes held
   * past totalBatchMaxBytes; an admitted send must then be added, or released if it fails first.
   */
  tryReserve(bodyBytes: number): boolean {
    if (this.held + bodyBytes > this.limits.totalBatchMaxBytes) return false;
    this.held += bodyBytes;
    return true;
  }

  release(bodyBytes: number): void {
    this.held -= bodyBytes;
    assert(this.held >= 0, `autoBatch released more bytes than it held (${this.held})`);
  }

  /** Adds an admitted entry to the batch of its target; settles when that batch is answered. */
  add(
    topic: string,
    mq: MessageQueue | undefined,
    tags: string | undefined,
    entry: BatchEntry,
  ): Promise<SendResult> {
    assert(entry.item.length <= this.limits.maxMessageSize, 'a batch item over maxMessageSize');
    // Java's AggregateKey (topic, queue, tags); no name holds a newline (checkTopic).
    const target = mq ? `${mq.brokerName}\n${mq.queueId}` : '';
    const key = `${topic}\n${target}\n${tags ?? ''}`;
    let b = this.batches.get(key);
    if (b && b.wireBytes + entry.item.length > this.limits.maxMessageSize) {
      this.flush(b);
      b = undefined;
    }
    if (!b) {
      const fresh = new Accumulation(key, topic, mq);
      fresh.timer = this.timers.set(() => this.flush(fresh), this.limits.batchMaxDelayMs);
      this.batches.set(key, fresh);
      b = fresh;
    }
    b.items.push(entry.item);
    b.uniqKeys.push(entry.uniqKey);
    b.bodyBytes += entry.bodyBytes;
    b.wireBytes += entry.item.length;
    const result = new Promise<SendResult>((resolve, reject) => {
      b.waiters.push({ resolve, reject });
    });
    if (b.bodyBytes >= this.limits.batchMaxBytes) this.flush(b);
    return result;
  }

  /** Sends every batch being filled and resolves once all sent batches are answered. */
  async close(): Promise<void> {
    for (const b of [...this.batches.values()]) this.flush(b);
    await Promise.all([...this.inFlight]);
  }

  private flush(b: Accumulation): void {
    if (this.batches.get(b.key) !== b) return; // sent already (size, delay or close)
    this.batches.delete(b.key);
    this.timers.clear(b.timer);
    let sent: Promise<SendResult>;
    try {
      sent = this.sender(b.topic, b.mq, Buffer.concat(b.items, b.wireBytes), b.uniqKeys.join(','));
    } catch (err) {
      sent = Promise.reject(err);
    }
    const done = sent.then(
      (r) => this.answered(b, r),
      (err: unknown) => this.failed(b, err),
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  /** Each send's own result (MessageAccumulation#splitSendResults). */
  private answered(b: Accumulation, r: SendResult): void {
    this.release(b.bodyBytes);
    const n = b.waiters.length;
    const offsetIds = r.offsetMsgId.split(',');
    // The broker answers one offset msgId per message; a batch consume queue answers one for all.
    const perMessage = offsetIds.length === n;
    for (let i = 0; i < n; i++) {
      b.waiters[i]!.resolve({
        sendStatus: r.sendStatus,
        msgId: b.uniqKeys[i]!,
        offsetMsgId: perMessage ? offsetIds[i]! : r.offsetMsgId,
        messageQueue: r.messageQueue,
        queueOffset: r.queueOffset + i,
      });
    }
  }

  private failed(b: Accumulation, err: unknown): void {
    this.release(b.bodyBytes);
    for (const w of b.waiters) w.reject(err);
  }
}
