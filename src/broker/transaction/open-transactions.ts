// The broker's transaction side as it starts: the half/op store (which first puts the commits a
// crash left unapplied, so it opens before the listeners) and the check-back service.
import type { BrokerConfig } from '../../common/config/broker-config.js';
import type { Logger } from '../../common/logger.js';
import { nodeFileIO, withEnvSeams } from '../../store/file-io.js';
import type { MessageStore } from '../../store/message-store.js';
import type { ProducerManager } from '../managers/producer-manager.js';
import type { TopicConfigManager } from '../managers/topic-config-manager.js';
import { TransactionCheckService } from './check-service.js';
import { opTopicCreator } from './op-messages.js';
import { TransactionService } from './transaction-service.js';

export async function openTransactions(
  c: BrokerConfig,
  deps: { store: MessageStore; topics: TopicConfigManager; producers: ProducerManager },
  log: Logger,
  follower: boolean,
): Promise<{ transactions: TransactionService; transactionChecks: TransactionCheckService }> {
  const { store, topics, producers } = deps;
  const io = withEnvSeams(nodeFileIO);
  const transactions = await TransactionService.open(
    store,
    io,
    c.storePathRootDir,
    log.child({ module: 'transaction' }),
    { ensureOpTopic: opTopicCreator(topics), follower },
  );
  const transactionChecks = new TransactionCheckService(
    {
      store,
      producers,
      transactions,
      topics,
      io,
      root: c.storePathRootDir,
      log: log.child({ module: 'transaction-check' }),
    },
    {
      timeoutMs: c.transactionTimeOut,
      intervalMs: c.transactionCheckInterval,
      checkMax: c.transactionCheckMax,
      fileReservedTimeMs: c.fileReservedTime * 3_600_000,
      brokerName: c.brokerName,
      follower,
    },
  );
  return { transactions, transactionChecks };
}
