// TransactionService over a real store in a temp dir, reopened as a restarted broker reopens it:
// decisions survive, a commit recorded but not applied before a crash is applied exactly once,
// a torn last record is cut off, and concurrent decisions share their fdatasyncs.
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { MessageConst, type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';
import { nodeFileIO } from '../../store/file-io.js';
import { MessageStore } from '../../store/message-store.js';
import { TempDirs, testMessage, testStoreOptions } from '../../store/store.fixture.js';
import { DecisionLog } from './decision-log.js';
import { toHalf } from './half-message-hook.js';
import { TransactionService } from './transaction-service.js';

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

async function broker(root: string) {
  const store = await MessageStore.open(testStoreOptions(root));
  const tx = await TransactionService.open(store, nodeFileIO, root, silentLogger());
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
    const tx = await TransactionService.open(store, nodeFileIO, root, silentLogger(), true);
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
