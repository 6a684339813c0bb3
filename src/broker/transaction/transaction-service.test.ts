// TransactionService over a real store in a temp dir, reopened as a restarted broker reopens it:
// decisions survive, a commit recorded but not applied before a crash is applied exactly once,
// a torn last record is cut off, and concurrent decisions share their fdatasyncs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { MessageConst, type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';
import { RMQ_SYS_TRANS_OP_HALF_TOPIC } from '../../message/system-topics.js';
import { nodeFileIO } from '../../store/file-io.js';
import { MessageStore, type MessageStoreOptions } from '../../store/message-store.js';
import { TempDirs, testMessage, testStoreOptions } from '../../store/store.fixture.js';
import { DECISION_LOG_DIR, DECISION_LOG_FILE, DecisionLog, decodeEntries } from './decision-log.js';
import { toHalf } from './half-message-hook.js';
import { TransactionService, type TransactionServiceOptions } from './transaction-service.js';

const COMMIT = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
const dirs = new TempDirs('kitemq-tx-');
const open: { store: MessageStore; tx: TransactionService }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.tx.close();
    await o.store.shutdown();
  }
  dirs.removeAll();
});

async function broker(
  root: string,
  storeOver: Partial<MessageStoreOptions> = {},
  o: TransactionServiceOptions = {},
) {
  const store = await MessageStore.open(testStoreOptions(root, storeOver));
  const tx = await TransactionService.open(store, nodeFileIO, root, silentLogger(), o);
  const b = { store, tx };
  open.push(b);
  return b;
}

async function close(b: { store: MessageStore; tx: TransactionService }) {
  open.splice(open.indexOf(b), 1);
  b.tx.close();
  await b.store.shutdown();
}

/** Stores a half message for Orders/1 and returns it as END_TRANSACTION finds it. */
async function putHalf(store: MessageStore, uniq: string): Promise<MessageExt> {
  const m = testMessage({
    topic: 'Orders',
    queueId: 1,
    sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    properties: { UNIQ_KEY: uniq, TRAN_MSG: 'true', PGROUP: 'PG' },
  });
  const r = await store.putMessage(toHalf(m));
  return store.lookMessageByOffset(r.appendResult!.wroteOffset)!;
}

const realOnes = (store: MessageStore) =>
  decodeRecords(Buffer.concat(store.getMessage('Orders', 1, 0, 64).buffers));

describe('TransactionService', () => {
  it('knows every decision after a restart and still refuses a conflicting one', async () => {
    const root = dirs.make();
    const first = await broker(root);
    const a = await putHalf(first.store, 'A');
    const b = await putHalf(first.store, 'B');
    expect((await first.tx.end(a, COMMIT)).code).toBe(0);
    expect((await first.tx.end(b, ROLLBACK)).code).toBe(0);
    await close(first);

    const again = await broker(root);
    expect(again.tx.decisionOf('A')?.decision).toBe(COMMIT);
    expect(again.tx.decisionOf('B')?.decision).toBe(ROLLBACK);
    expect((await again.tx.end(a, COMMIT)).remark).toBe('already committed');
    expect((await again.tx.end(b, COMMIT)).remark).toMatch(
      /^transaction B was already rolled back/,
    );
    expect(realOnes(again.store).map((m) => m.properties[MessageConst.UNIQ_KEY])).toEqual(['A']);
  });

  it('applies, exactly once, a commit recorded before a crash and not yet put', async () => {
    const root = dirs.make();
    const first = await broker(root);
    const half = await putHalf(first.store, 'C');
    await close(first);
    // What a crash between the decision's fdatasync and the real put leaves: the decision only.
    const { log } = DecisionLog.open(nodeFileIO, root);
    await log.append({
      kind: 'decided',
      txId: 'C',
      decision: COMMIT,
      halfOffset: half.commitLogOffset,
      halfQueueOffset: half.queueOffset,
      group: 'PG',
      realQueueEnd: 0,
      at: Date.now(),
    });
    log.close();

    const second = await broker(root);
    const [real, ...more] = realOnes(second.store);
    expect(more).toEqual([]);
    expect(real!.preparedTransactionOffset).toBe(half.commitLogOffset);
    const ops = decodeRecords(
      Buffer.concat(second.store.getMessage(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0, 0, 8).buffers),
    );
    expect(ops.map((m) => m.body.toString())).toEqual([String(half.queueOffset)]);
    await close(second);
    const third = await broker(root);
    expect(realOnes(third.store)).toHaveLength(1);
  });

  it('as a follower (SLAVE) leaves a recorded, unapplied commit to the master', async () => {
    const root = dirs.make();
    const first = await broker(root);
    const half = await putHalf(first.store, 'S');
    await close(first);
    const { log } = DecisionLog.open(nodeFileIO, root);
    await log.append({
      kind: 'decided',
      txId: 'S',
      decision: COMMIT,
      halfOffset: half.commitLogOffset,
      halfQueueOffset: half.queueOffset,
      group: 'PG',
      realQueueEnd: 0,
      at: Date.now(),
    });
    log.close();
    const store = await MessageStore.open(testStoreOptions(root));
    const tx = await TransactionService.open(store, nodeFileIO, root, silentLogger(), {
      follower: true,
    });
    open.push({ store, tx });
    expect(realOnes(store)).toEqual([]);
    expect(tx.decisionOf('S')?.decision).toBe(COMMIT);
  });

  it('finds the real message of a commit whose applied mark was lost, and puts no second', async () => {
    const root = dirs.make();
    const first = await broker(root);
    const half = await putHalf(first.store, 'D');
    await first.tx.end(half, COMMIT);
    await close(first);
    // Drop the last record (the applied mark), as a crash before its write would.
    const path = `${root}/transaction/decisions.log`;
    const fd = nodeFileIO.open(path);
    const text = Buffer.alloc(nodeFileIO.size(fd));
    nodeFileIO.read(fd, text, 0, text.length, 0);
    const lines = text.toString().split('\n');
    expect(lines[1]).toMatch(/"kind":"applied"/);
    nodeFileIO.truncate(fd, Buffer.byteLength(`${lines[0]}\n`) + 5); // and a torn tail
    nodeFileIO.close(fd);

    const again = await broker(root);
    expect(again.tx.decisionOf('D')?.decision).toBe(COMMIT);
    expect(realOnes(again.store)).toHaveLength(1);
  });

  it('groups the fdatasyncs of concurrent decisions', async () => {
    const b = await broker(dirs.make());
    const halves: MessageExt[] = [];
    for (let i = 0; i < 20; i++) halves.push(await putHalf(b.store, `G${i}`));
    const before = b.tx.syncs;
    await Promise.all(halves.map((h) => b.tx.end(h, ROLLBACK)));
    expect(b.tx.size).toBe(20);
    expect(b.tx.syncs - before).toBeLessThanOrEqual(2);
  });
});

describe('decisions.log compaction', () => {
  // Segments of 64 KiB, deleted as soon as a clean round is asked for (their timer never fires).
  const retention: Partial<MessageStoreOptions> = {
    flushDiskType: 'SYNC_FLUSH',
    clean: { fileReservedTimeHours: 0, cleanResourceInterval: 3_600_000 },
  };
  const logged = (root: string) =>
    decodeEntries(readFileSync(join(root, DECISION_LOG_DIR, DECISION_LOG_FILE), 'utf8')).entries;

  /** Fills the first commit-log segment, then deletes it: what a half stored before it is gone. */
  async function ageOut(store: MessageStore): Promise<void> {
    const segments = store.commitLog.queue.files.length;
    while (store.commitLog.queue.files.length === segments) {
      await store.putMessage(testMessage({ topic: 'Fill', body: Buffer.alloc(1024) }));
    }
    store.cleanService.requestManualDelete();
    store.cleanService.runOnce();
  }

  it('drops at open the decisions whose half message has left the commit log', async () => {
    const root = dirs.make();
    const first = await broker(root, retention);
    const old = await putHalf(first.store, 'OLD');
    await first.tx.end(old, ROLLBACK);
    await ageOut(first.store);
    const kept = await putHalf(first.store, 'KEPT');
    await first.tx.end(kept, COMMIT);
    expect(first.store.minPhyOffset).toBeGreaterThan(old.commitLogOffset);
    await close(first);
    expect(logged(root).map((e) => e.txId)).toEqual(['OLD', 'KEPT', 'KEPT']);

    const again = await broker(root, retention);
    expect(again.tx.decisionOf('OLD')).toBeUndefined();
    expect(again.tx.decisionOf('KEPT')?.decision).toBe(COMMIT);
    expect(logged(root).map((e) => [e.kind, e.txId])).toEqual([
      ['decided', 'KEPT'],
      ['applied', 'KEPT'],
    ]);
    await close(again);
    const third = await broker(root, retention);
    expect(realOnes(third.store)).toHaveLength(1); // the kept commit is not applied again
  });

  it('compacts while running once the log has grown compactBytes', async () => {
    const root = dirs.make();
    const b = await broker(root, retention, { compactBytes: 1 });
    const old = await putHalf(b.store, 'OLD');
    await b.tx.end(old, ROLLBACK);
    await ageOut(b.store);
    expect(b.tx.decisionOf('OLD')).toBeDefined();
    const next = await putHalf(b.store, 'NEXT');
    await b.tx.end(next, ROLLBACK);
    await vi.waitFor(() => expect(b.tx.decisionOf('OLD')).toBeUndefined(), { timeout: 20_000 });
    expect(logged(root).map((e) => e.txId)).toEqual(['NEXT']);
    expect(b.tx.logSize).toBe(readFileSync(join(root, DECISION_LOG_DIR, DECISION_LOG_FILE)).length);
    // Appends go on in the new file.
    const last = await putHalf(b.store, 'LAST');
    await b.tx.end(last, ROLLBACK);
    expect(logged(root).map((e) => e.txId)).toEqual(['NEXT', 'LAST']);
  });
});
