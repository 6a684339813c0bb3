// Parked pulls (PullRequestHoldService). A pull that finds nothing waits under "topic@queueId"
// until a matching message is dispatched there (woken at once by the store's messageArrived) or
// its suspend timeout passes; then the whole pull runs again and answers with the original
// opaque. One coarse interval expires deadlines instead of a timer per request.
import { assert } from '../../common/assert.js';
import {
  MAX_SUSPENDED_PULLS_PER_QUEUE,
  MAX_SUSPENDED_PULLS_TOTAL,
  PULL_HOLD_CHECK_INTERVAL_MS,
} from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import type { Connection } from '../../remoting/connection.js';

export interface HeldPull {
  conn: Connection;
  /** The queue offset the client asked for; woken when the queue grows past it. */
  offset: number;
  deadlineMs: number;
  /** Consume-queue level filter (tag hash); undefined tagsCode means unknown → pass. */
  matches: (tagsCode: number | undefined) => boolean;
  /**
   * Commit-log level filter on the arrived message at this queue offset (SQL92 on its
   * properties), asked only after `matches` passed: a held pull wakes only for a message it would
   * return, as RocketMQ's NotifyMessageArrivingListener checks both stages.
   */
  matchesArrival?: (queueOffset: number) => boolean;
  /** Re-runs the pull without suspension and writes its response. */
  wake: () => void;
  /** The consumer group, so an offset reset can wake just that group's pulls. */
  group?: string;
}

/** Hears each parked pull's answer as it is written (`failed`: the re-run threw). */
export type AnsweredListener = (
  req: RemotingCommand,
  responseCode: number,
  failed: boolean,
) => void;

export class PullRequestHoldService {
  /** Set by the metrics exporter: the dispatcher's timing never sees an answer written later. */
  onAnswered: AnsweredListener | undefined;
  private readonly held = new Map<string, HeldPull[]>();
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(log: Logger, now: () => number = Date.now) {
    this.log = log;
    this.now = now;
  }

  start(): void {
    this.timer = setInterval(() => this.checkHoldRequest(), PULL_HOLD_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  shutdown(): void {
    if (this.timer) clearInterval(this.timer);
    // Answer everything still parked so clients are not left waiting for their socket timeout.
    for (const list of this.held.values()) for (const p of list) p.wake();
    this.held.clear();
    this.total = 0;
  }

  /** Returns false when the bounds are reached; the caller then answers at once. */
  suspend(topic: string, queueId: number, pull: HeldPull): boolean {
    const key = `${topic}@${queueId}`;
    let list = this.held.get(key);
    if (!list) {
      list = [];
      this.held.set(key, list);
    }
    if (list.length >= MAX_SUSPENDED_PULLS_PER_QUEUE || this.total >= MAX_SUSPENDED_PULLS_TOTAL) {
      this.log.warn({ key, total: this.total }, 'too many parked pulls; answering immediately');
      return false;
    }
    list.push(pull);
    this.total++;
    return true;
  }

  /** Wakes the group's parked pulls on a queue (an offset reset answers them at once). */
  wakeGroup(topic: string, queueId: number, group: string): void {
    const key = `${topic}@${queueId}`;
    const list = this.held.get(key);
    if (!list) return;
    const keep = list.filter((p) => p.group !== group);
    const wake = list.filter((p) => p.group === group);
    this.replace(key, list, keep);
    for (const p of wake) p.wake();
  }

  /** Called for each message dispatched into a consume queue. */
  notifyMessageArriving(
    topic: string,
    queueId: number,
    maxOffset: number,
    tagsCode?: number,
  ): void {
    const key = `${topic}@${queueId}`;
    const list = this.held.get(key);
    if (!list) return;
    const keep: HeldPull[] = [];
    const wake: HeldPull[] = [];
    for (const p of list) {
      if (p.conn.isClosed) continue;
      const hit =
        p.offset < maxOffset &&
        p.matches(tagsCode) &&
        (p.matchesArrival === undefined || p.matchesArrival(maxOffset - 1));
      if (hit) wake.push(p);
      else keep.push(p);
    }
    this.replace(key, list, keep);
    for (const p of wake) p.wake();
  }

  /** The answer to a woken pull, `req`, is being written now. */
  answered(req: RemotingCommand, responseCode: number, failed = false): void {
    this.onAnswered?.(req, responseCode, failed);
  }

  get parkedCount(): number {
    return this.total;
  }

  /** Answers every parked pull whose deadline has passed (run by the coarse interval). */
  checkHoldRequest(): void {
    const now = this.now();
    for (const [key, list] of [...this.held]) {
      const keep: HeldPull[] = [];
      const wake: HeldPull[] = [];
      for (const p of list) {
        if (p.conn.isClosed) continue;
        if (now >= p.deadlineMs) wake.push(p);
        else keep.push(p);
      }
      this.replace(key, list, keep);
      for (const p of wake) p.wake();
    }
  }

  private replace(key: string, before: HeldPull[], after: HeldPull[]): void {
    this.total -= before.length - after.length;
    assert(this.total >= 0, 'parked pull count never goes negative');
    if (after.length === 0) this.held.delete(key);
    else this.held.set(key, after);
  }
}
