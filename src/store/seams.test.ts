// The store's seams for a second writer: dispatchers registered by callers (at open, so recovery
// reaches them, or later), and put waiters that run beside the flush (SYNC_MASTER's slave ack).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../common/logger.js';
import type { MessageToStore } from '../message/message.js';
import type { CommitLogDispatcher, DispatchRequest } from './dispatcher.js';
import { MessageStore, type MessageStoreOptions } from './message-store.js';
import { PutMessageStatus, type PutMessageStatusValue } from './status.js';

/** A store directory that lives as long as the test. */
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-seams-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function storeOpts(over: Partial<MessageStoreOptions> = {}): MessageStoreOptions {
  const storePathRootDir = tempRoot();
  const sizes = { mappedFileSizeCommitLog: 32 * 1024, mappedFileSizeConsumeQueue: 20 * 64 };
  const flush = { flushIntervalCommitLog: 20, flushCommitLogLeastPages: 0, syncFlushTimeout: 5e3 };
  const rest = { maxMessageSize: 8192, logger: silentLogger(), maxHashSlotNum: 32 };
  return { storePathRootDir, flushDiskType: 'ASYNC_FLUSH', ...sizes, ...flush, ...rest, ...over };
}

function message(n: number, properties: Record<string, string> = {}): MessageToStore {
  const hosts = { bornHost: '10.1.0.2:4000', storeHost: '10.1.0.1:10911' };
  const body = Buffer.from(`seam ${n}`);
  const times = { bornTimestamp: 1_710_000_000_000 + n, reconsumeTimes: 0 };
  const rest = { flag: 0, sysFlag: 0, preparedTransactionOffset: 0, ...hosts, ...times };
  return {
    topic: 'S',
    queueId: n % 2,
    body,
    properties: { KEYS: `s${n}`, ...properties },
    ...rest,
  };
}

/** A store holding messages 0..n-1. */
async function storeOf(n: number, opts: MessageStoreOptions): Promise<MessageStore> {
  const store = await MessageStore.open(opts);
  for (let i = 0; i < n; i++) await store.putMessage(message(i));
  return store;
}

class Recorder implements CommitLogDispatcher {
  readonly seen: { req: DispatchRequest; recovering: boolean; queued: number }[] = [];
  private readonly store: () => MessageStore | undefined;
  constructor(store: () => MessageStore | undefined) {
    this.store = store;
  }
  dispatch(req: DispatchRequest, recovering: boolean): void {
    // What the consume queue holds when this dispatcher runs: it runs after the built-in ones.
    const queued = this.store()?.getAppendedMaxOffsetInQueue(req.topic, req.queueId) ?? -1;
    this.seen.push({ req, recovering, queued });
  }
}

describe('registered dispatchers', () => {
  it('get every put after the consume queues, in commit-log order', async () => {
    let store: MessageStore | undefined;
    const rec = new Recorder(() => store);
    store = await MessageStore.open(storeOpts());
    store.addDispatcher(rec);
    const offsets: number[] = [];
    for (let i = 0; i < 6; i++)
      offsets.push((await store.putMessage(message(i))).appendResult!.wroteOffset);
    expect(rec.seen.map((s) => s.req.commitLogOffset)).toEqual(offsets);
    expect(rec.seen.map((s) => s.req.queueOffset)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(rec.seen.every((s) => s.queued === s.req.queueOffset + 1 && !s.recovering)).toBe(true);
    expect(rec.seen[3]!.req).toMatchObject({ topic: 'S', queueId: 1, keys: 's3' });
    await store.shutdown();
  });

  it('given at open, get recovery’s re-dispatch after a crash', async () => {
    const opts = storeOpts();
    (await storeOf(5, opts)).halt();
    // No checkpoint: recovery validates and re-dispatches from the log's start, whatever the
    // periodic consume-queue flush managed to write before the crash.
    rmSync(join(opts.storePathRootDir, 'checkpoint'), { force: true });
    const rec = new Recorder(() => undefined);
    const again = await MessageStore.open({ ...opts, dispatchers: [rec] });
    expect(rec.seen.map((s) => [s.req.queueId, s.req.queueOffset])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
    ]);
    expect(rec.seen.every((s) => s.recovering)).toBe(true);
    await again.putMessage(message(5));
    expect(rec.seen.at(-1)).toMatchObject({
      recovering: false,
      req: { queueId: 1, queueOffset: 2 },
    });
    await again.shutdown();
  });

  it('at open are not fed the key index’s own catch-up, only the queues’ re-dispatch', async () => {
    const opts = storeOpts();
    await (await storeOf(4, opts)).shutdown();
    rmSync(join(opts.storePathRootDir, 'index'), { recursive: true, force: true });
    const rec = new Recorder(() => undefined);
    const again = await MessageStore.open({ ...opts, dispatchers: [rec] });
    expect(again.queryMessage('S', 's2', 4, 0, Date.now() + 1e6).buffers).toHaveLength(1);
    expect(rec.seen).toEqual([]); // the queues were whole: nothing for a registered dispatcher
    await again.shutdown();
  });
});

type Gate = {
  promise: Promise<PutMessageStatusValue | undefined>;
  open: (s?: PutMessageStatusValue) => void;
};
function gate(): Gate {
  let open!: Gate['open'];
  const promise = new Promise<PutMessageStatusValue | undefined>((res) => {
    open = res;
  });
  return { promise, open };
}

describe('put waiters', () => {
  it('hold the answer until they resolve, with the put’s end offset; OK or undefined is OK', async () => {
    const store = await MessageStore.open(storeOpts());
    const ends: number[] = [];
    const gates: Gate[] = [];
    store.addPutWaiter((end) => {
      ends.push(end);
      const g = gate();
      gates.push(g);
      return g.promise;
    });
    store.addPutWaiter(async () => PutMessageStatus.PUT_OK);
    let answered = false;
    const put = store.putMessage(message(0)).then((r) => {
      answered = true;
      return r;
    });
    await expect.poll(() => gates.length).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    gates[0]!.open(undefined);
    const r = await put;
    expect(r.status).toBe(PutMessageStatus.PUT_OK);
    expect(ends).toEqual([r.appendResult!.wroteOffset + r.appendResult!.wroteBytes]);
    await store.shutdown();
  });

  it('answer the first status that is not OK, in registration order; the message is stored', async () => {
    const store = await MessageStore.open(storeOpts());
    const late = gate();
    store.addPutWaiter(() => late.promise);
    store.addPutWaiter(async () => PutMessageStatus.SLAVE_NOT_AVAILABLE);
    const put = store.putMessage(message(0));
    setImmediate(() => late.open(PutMessageStatus.FLUSH_SLAVE_TIMEOUT));
    const r = await put;
    expect(r.status).toBe(PutMessageStatus.FLUSH_SLAVE_TIMEOUT);
    expect(store.getMessage('S', 0, 0, 1).messageCount).toBe(1);
    await store.shutdown();
  });

  it('run together with the SYNC_FLUSH wait, and a failing one answers UNKNOWN_ERROR', async () => {
    const store = await MessageStore.open(storeOpts({ flushDiskType: 'SYNC_FLUSH' }));
    const flushedAtCall: number[] = [];
    let fail = false;
    store.addPutWaiter(async (end) => {
      flushedAtCall.push(store.commitLog.queue.flushedOffset - end);
      if (fail) throw new Error('the slave link broke');
      return undefined;
    });
    const ok = await store.putMessage(message(0));
    expect(ok.status).toBe(PutMessageStatus.PUT_OK);
    expect(flushedAtCall[0]).toBeLessThan(0); // called before the fdatasync ended, not after it
    expect(store.commitLog.queue.flushedOffset).toBeGreaterThanOrEqual(
      ok.appendResult!.wroteOffset + ok.appendResult!.wroteBytes,
    );
    fail = true;
    expect((await store.putMessage(message(1))).status).toBe(PutMessageStatus.UNKNOWN_ERROR);
    await store.shutdown();
  });

  it('are skipped by a put with WAIT=false', async () => {
    for (const flushDiskType of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
      const store = await MessageStore.open(storeOpts({ flushDiskType }));
      let calls = 0;
      store.addPutWaiter(async () => {
        calls++;
        return PutMessageStatus.FLUSH_SLAVE_TIMEOUT;
      });
      expect((await store.putMessage(message(0, { WAIT: 'false' }))).status).toBe('PUT_OK');
      expect((await store.putMessage(message(1))).status).toBe('FLUSH_SLAVE_TIMEOUT');
      expect(calls).toBe(1);
      await store.shutdown();
    }
  });
});
