// The pending-half index across a restart: rebuilt from the half queue, check counts read back
// from checks.json, decided halves left out.
import { afterEach, describe, expect, it } from 'vitest';
import { parseBrokerConfig } from '../../common/config/broker-config.js';
import { silentLogger } from '../../common/logger.js';
import { MessageSysFlag } from '../../message/message.js';
import { nodeFileIO } from '../../store/file-io.js';
import { MessageStore } from '../../store/message-store.js';
import { TempDirs, testMessage, testStoreOptions } from '../../store/store.fixture.js';
import { InMemoryConnection } from '../in-process-broker.fixture.js';
import { ProducerManager } from '../managers/producer-manager.js';
import { TopicConfigManager } from '../managers/topic-config-manager.js';
import { TransactionCheckService } from './check-service.js';
import { toHalf } from './half-message-hook.js';
import { TransactionService } from './transaction-service.js';

const dirs = new TempDirs('kitemq-txcheck-');
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  dirs.removeAll();
});

async function broker(root: string, conn: InMemoryConnection) {
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
    { timeoutMs: 1, intervalMs: 1, checkMax: 15, brokerName: 'b' },
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
