// The pending-half index across a restart: rebuilt from the half queue, check counts read back
// from checks.json, decided halves left out (by decisions.log, or by their op messages when the
// log is gone).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../common/config/broker-config.js';
import { silentLogger } from '../../common/logger.js';
import { MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';
import { RMQ_SYS_TRANS_OP_HALF_TOPIC } from '../../message/system-topics.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { nodeFileIO } from '../../store/file-io.js';
import { MessageStore } from '../../store/message-store.js';
import { TempDirs, testMessage, testStoreOptions } from '../../store/store.fixture.js';
import { InMemoryConnection } from '../in-process-broker.fixture.js';
import { ProducerManager } from '../managers/producer-manager.js';
import { TopicConfigManager } from '../managers/topic-config-manager.js';
import { TransactionCheckService } from './check-service.js';
import { DECISION_LOG_DIR, DECISION_LOG_FILE } from './decision-log.js';
import { toHalf } from './half-message-hook.js';
import { TransactionService } from './transaction-service.js';

const dirs = new TempDirs('kitemq-txcheck-');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  dirs.removeAll();
});

async function broker(root: string, conn: InMemoryConnection, checkMax = 15) {
  const log = silentLogger();
  const { config } = parseBrokerConfig('', 'broker.conf', { storePathRootDir: root });
  const store = await MessageStore.open(testStoreOptions(root));
  const transactions = await TransactionService.open(store, nodeFileIO, root, log);
  const producers = new ProducerManager();
  const info = { clientId: 'p', language: 'JAVA', version: 0, lastUpdateTimestamp: Date.now() };
  producers.register('PG', conn.asConnection, info);
  const topics = new TopicConfigManager(config, log);
  const checks = new TransactionCheckService(
    { store, producers, transactions, topics, io: nodeFileIO, root, log },
    { timeoutMs: 1, intervalMs: 1, checkMax, brokerName: 'b' },
  );
  const close = async () => {
    closers.splice(closers.indexOf(close), 1);
    transactions.close();
    await store.shutdown();
  };
  closers.push(close);
  return { store, transactions, checks, close };
}

const putHalf = async (store: MessageStore, uniq: string) => {
  const m = testMessage({
    topic: 'Orders',
    sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    properties: { UNIQ_KEY: uniq, TRAN_MSG: 'true', PGROUP: 'PG' },
  });
  const r = await store.putMessage(toHalf(m));
  return store.lookMessageByOffset(r.appendResult!.wroteOffset)!;
};

describe('the pending-half index', () => {
  it('is rebuilt at open with the check counts it had, without the decided halves', async () => {
    const root = dirs.make();
    const conn = new InMemoryConnection('127.0.0.1:1');
    const first = await broker(root, conn);
    await putHalf(first.store, 'P');
    const decided = await putHalf(first.store, 'D');
    await first.checks.round(Date.now() + 60_000);
    await first.checks.round(Date.now() + 120_000);
    expect(first.checks.checksOf('P')).toBe(2);
    await first.transactions.end(decided, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE);
    await first.close();

    const again = await broker(root, conn);
    expect(again.checks.size).toBe(1);
    expect(again.checks.checksOf('P')).toBe(2);
    expect(again.checks.checksOf('D')).toBeUndefined();
  });
});

describe('checks.json', () => {
  it('keeps transactionCheckMax and the counters across restarts', async () => {
    const root = dirs.make();
    const conn = new InMemoryConnection('127.0.0.1:1');
    const checksOnConn = () =>
      conn.pushed.filter((c) => c.code === RequestCode.CHECK_TRANSACTION_STATE).length;
    const first = await broker(root, conn, 2);
    await putHalf(first.store, 'P');
    await first.checks.round(Date.now() + 60_000);
    await first.close();

    const second = await broker(root, conn, 2);
    expect([second.checks.checksOf('P'), second.checks.checksSent]).toEqual([1, 1]);
    await second.checks.round(Date.now() + 120_000);
    await second.close();

    const third = await broker(root, conn, 2);
    expect(third.checks.checksSent).toBe(2);
    expect([...third.checks.checksSentByTopic]).toEqual([['Orders', 2]]);
    await third.checks.round(Date.now() + 180_000); // the third round: past transactionCheckMax
    expect(checksOnConn()).toBe(2);
    expect([third.checks.size, third.checks.discarded]).toEqual([0, 1]);
    await third.close();

    const fourth = await broker(root, conn, 2);
    expect([fourth.checks.size, fourth.checks.discarded, fourth.checks.checksSent]).toEqual([
      0, 1, 2,
    ]);
  });
});

describe('op messages', () => {
  it('mark each decided half in RMQ_SYS_TRANS_OP_HALF_TOPIC: tag d, the half queue offset', async () => {
    const root = dirs.make();
    const b = await broker(root, new InMemoryConnection('127.0.0.1:1'));
    await putHalf(b.store, 'P');
    const rolled = await putHalf(b.store, 'R');
    const committed = await putHalf(b.store, 'C');
    await b.transactions.end(rolled, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE);
    await b.transactions.end(committed, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    const got = b.store.getMessage(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0, 0, 8);
    const ops = decodeRecords(Buffer.concat(got.buffers));
    expect(ops.map((m) => [m.queueId, m.properties.TAGS, m.body.toString()])).toEqual([
      [0, 'd', String(rolled.queueOffset)],
      [0, 'd', String(committed.queueOffset)],
    ]);
    expect(ops[0]!.properties.UNIQ_KEY).toMatch(/^[0-9A-F]{32}$/);
  });

  it('keep a decided half from being checked when decisions.log is lost', async () => {
    const root = dirs.make();
    const conn = new InMemoryConnection('127.0.0.1:1');
    const first = await broker(root, conn);
    await putHalf(first.store, 'P');
    const decided = await putHalf(first.store, 'D');
    await first.transactions.end(decided, MessageSysFlag.TRANSACTION_ROLLBACK_TYPE);
    await first.close();
    rmSync(join(root, DECISION_LOG_DIR, DECISION_LOG_FILE));

    const again = await broker(root, conn);
    expect(again.transactions.decisionOf('D')).toBeUndefined();
    expect(again.transactions.opRecordOf(decided.queueOffset)).toBe(0);
    await again.checks.round(Date.now() + 60_000);
    const checked = conn.pushed
      .filter((c) => c.code === RequestCode.CHECK_TRANSACTION_STATE)
      .map((c) => c.extFields.transactionId);
    expect(checked).toEqual(['P']);
    expect(again.checks.checksOf('D')).toBeUndefined();
    const half = again.store.lookMessageByOffset(decided.commitLogOffset)!;
    const o = await again.transactions.end(half, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
    expect(o.code).toBe(ResponseCode.TRANSACTION_FAILED);
    expect(o.remark).toContain(`${RMQ_SYS_TRANS_OP_HALF_TOPIC} queue 0 offset 0`);
  });
});
