// SYNC_FLUSH waiting on a fake clock with a commit log whose fdatasync the test completes by hand:
// group commit, release by offset, and FLUSH_DISK_TIMEOUT (false) past syncFlushTimeout.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../common/logger.js';
import { FlushService } from './flush-service.js';
import type { MappedFileQueue } from './mapped-file-queue.js';

/** The part of MappedFileQueue the flush service uses; flush() ends when the test says. */
class SlowQueue {
  maxOffset = 0;
  flushedOffset = 0;
  flushes = 0;
  private finish: (() => void) | undefined;

  flush(): Promise<void> {
    this.flushes++;
    const upTo = this.maxOffset;
    return new Promise((resolve) => {
      this.finish = () => {
        this.flushedOffset = upTo;
        resolve();
      };
    });
  }

  /** Completes the fdatasync in flight. */
  complete(): void {
    const f = this.finish;
    this.finish = undefined;
    f?.();
  }
}

let queue: SlowQueue;
let service: FlushService;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  queue = new SlowQueue();
  service = new FlushService(queue as unknown as MappedFileQueue, silentLogger(), {
    leastPages: 4,
    intervalMs: 500,
    syncTimeoutMs: 5_000,
    now: Date.now,
  });
});

afterEach(() => {
  service.stop();
  vi.useRealTimers();
});

const settle = () => vi.advanceTimersByTimeAsync(0);

describe('FlushService (SYNC_FLUSH)', () => {
  it('releases each put once its bytes are durable; puts during a round share the next', async () => {
    const got: [string, boolean][] = [];
    const put = (name: string, end: number) => {
      queue.maxOffset = end;
      void service.waitForFlush(end).then((ok) => got.push([name, ok]));
    };
    put('a', 100);
    await settle();
    put('b', 200);
    put('c', 300);
    expect(queue.flushes).toBe(1);
    queue.complete(); // covers a only
    await settle();
    expect(got).toEqual([['a', true]]);
    expect(queue.flushes).toBe(2); // one round for b and c together
    queue.complete();
    await settle();
    expect(got).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
    ]);
  });

  it('answers false (FLUSH_DISK_TIMEOUT) at syncFlushTimeout, each put at its own deadline', async () => {
    const got: [string, boolean][] = [];
    queue.maxOffset = 100;
    void service.waitForFlush(100).then((ok) => got.push(['early', ok]));
    await vi.advanceTimersByTimeAsync(2_000);
    queue.maxOffset = 200;
    void service.waitForFlush(200).then((ok) => got.push(['late', ok]));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(got).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual([['early', false]]);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(got).toEqual([['early', false]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual([
      ['early', false],
      ['late', false],
    ]);
    queue.complete(); // the disk catches up later: nobody is answered twice
    await settle();
    expect(got).toHaveLength(2);
  });
});

describe('FlushService (ASYNC_FLUSH)', () => {
  const LEAST_BYTES = 4 * 4096;

  it('a put that leaves flushCommitLogLeastPages dirty starts a round at once; less waits', async () => {
    queue.maxOffset = LEAST_BYTES - 1;
    service.wakeup();
    expect(queue.flushes).toBe(0);
    queue.maxOffset = LEAST_BYTES;
    service.wakeup();
    expect(queue.flushes).toBe(1);
  });

  it('a wakeup during a round is looked at again when the round ends', async () => {
    queue.maxOffset = LEAST_BYTES;
    service.wakeup();
    queue.maxOffset = 3 * LEAST_BYTES; // written while the fdatasync runs
    service.wakeup();
    expect(queue.flushes).toBe(1);
    queue.complete();
    await settle();
    expect(queue.flushedOffset).toBe(LEAST_BYTES);
    expect(queue.flushes).toBe(2);
    queue.complete();
    await settle();
    expect(queue.flushedOffset).toBe(3 * LEAST_BYTES);
  });

  it('a trickle below the threshold waits for the thorough flush (10 s), then goes', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    service = new FlushService(queue as unknown as MappedFileQueue, silentLogger(), {
      leastPages: 4,
      intervalMs: 500,
      syncTimeoutMs: 5_000,
      now: Date.now,
    });
    service.startAsync();
    queue.maxOffset = 100;
    service.wakeup();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(queue.flushes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(queue.flushes).toBe(1);
  });
});
