// SYNC_MASTER's wait for a slave (CommitLog#handleHA + GroupTransferService, RocketMQ 4.x): a put
// is answered SEND_OK only once a slave has acked every byte up to its end. No slave in sync (none
// connected, or further behind than haMaxGapNotInSync) answers SLAVE_NOT_AVAILABLE at once; no
// ack within slaveTimeout answers FLUSH_SLAVE_TIMEOUT. Acks are pipelined: one ack releases every
// put at or below it, so waits are kept in a min-heap by end offset, and expire from a FIFO
// (every wait gets the same timeout, so deadlines come in the order the waits were made).
import { assert } from '../../common/assert.js';
import type { PutWaiter } from '../../store/message-store.js';
import { PutMessageStatus, type PutMessageStatusValue } from '../../store/status.js';

type Outcome = PutMessageStatusValue | undefined;

interface Wait {
  readonly end: number;
  readonly deadline: number;
  resolve: ((s: Outcome) => void) | undefined;
}

/** What the wait needs to know about the slaves (the HA master answers it). */
export interface ReplicaView {
  /** Slaves that are streaming and not diverged. */
  inSyncCount(): number;
  /** The highest valid ack over the connected slaves (push2SlaveMaxOffset). */
  ackedOffset(): number;
  /** The master's commit-log end as of the last successful write round. */
  writtenEnd(): number;
}

export interface GroupTransferOptions {
  slaveTimeoutMs: number;
  maxGapNotInSync: number;
}

export class GroupTransferService {
  private readonly heap: Wait[] = [];
  private readonly byDeadline: Wait[] = [];
  private head = 0;
  /** Waits in the heap already answered by their timeout, dropped when an ack passes them. */
  private expiredInHeap = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly view: ReplicaView;
  private readonly opts: GroupTransferOptions;
  /** The put waiter to register with the store (MessageStore#addPutWaiter). */
  readonly waiter: PutWaiter;

  constructor(view: ReplicaView, opts: GroupTransferOptions) {
    assert(opts.slaveTimeoutMs > 0 && opts.maxGapNotInSync >= 0, 'wait bounds are sane');
    this.view = view;
    this.opts = opts;
    this.waiter = (end) => this.wait(end);
  }

  /** Waits not answered yet (tests and runtime info read it). */
  get pending(): number {
    let n = 0;
    for (const w of this.heap) if (w.resolve) n++;
    return n;
  }

  private wait(end: number): Promise<Outcome> {
    const v = this.view;
    if (this.closed) return Promise.resolve(PutMessageStatus.SLAVE_NOT_AVAILABLE);
    const acked = v.ackedOffset();
    if (v.inSyncCount() === 0 || v.writtenEnd() - acked > this.opts.maxGapNotInSync) {
      return Promise.resolve(PutMessageStatus.SLAVE_NOT_AVAILABLE);
    }
    if (acked >= end) return Promise.resolve(PutMessageStatus.PUT_OK);
    return new Promise((resolve) => {
      const w: Wait = { end, deadline: Date.now() + this.opts.slaveTimeoutMs, resolve };
      this.push(w);
      this.byDeadline.push(w);
      if (!this.timer) this.armTimer();
    });
  }

  /** A slave acked `offset`: every wait ending at or below it is answered PUT_OK. */
  acked(offset: number): void {
    const h = this.heap;
    while (h.length > 0 && h[0]!.end <= offset) {
      const w = this.pop();
      if (!w.resolve) this.expiredInHeap--;
      w.resolve?.(PutMessageStatus.PUT_OK);
      w.resolve = undefined;
    }
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    const q = this.byDeadline;
    while (this.head < q.length && q[this.head]!.deadline <= now) {
      const w = q[this.head++]!;
      if (!w.resolve) continue;
      w.resolve(PutMessageStatus.FLUSH_SLAVE_TIMEOUT);
      w.resolve = undefined; // stays in the heap until an ack passes it, answered already
      this.expiredInHeap++;
    }
    this.compact();
    if (this.head < q.length) this.armTimer();
  }

  private armTimer(): void {
    const next = this.byDeadline[this.head];
    if (!next) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next.deadline - Date.now()));
    this.timer.unref();
  }

  /** Drops answered waits from the front of both queues so neither grows without bound. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.byDeadline.length) {
      this.byDeadline.splice(0, this.head);
      this.head = 0;
    }
    // A slave that never acks would leave every expired wait in the heap: rebuild it then.
    if (this.expiredInHeap > 1024 && this.expiredInHeap * 2 > this.heap.length) {
      const open = this.heap.filter((w) => w.resolve);
      this.heap.length = 0;
      for (const w of open) this.push(w);
      this.expiredInHeap = 0;
    }
    assert(this.expiredInHeap <= this.heap.length, 'expired waits are counted within the heap');
  }

  /** Every wait still open is answered FLUSH_SLAVE_TIMEOUT: the broker is shutting down. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.heap) w.resolve?.(PutMessageStatus.FLUSH_SLAVE_TIMEOUT);
    this.heap.length = 0;
    this.byDeadline.length = 0;
    this.head = 0;
    this.expiredInHeap = 0;
  }

  private push(w: Wait): void {
    const h = this.heap;
    h.push(w);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.end <= w.end) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = w;
  }

  private pop(): Wait {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && h[r]!.end < h[l]!.end ? r : l;
        if (h[c]!.end >= last.end) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
