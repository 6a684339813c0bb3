// Our TransactionProducer against a real broker: a committed transaction reaches a push consumer
// once, a rolled-back one never, and one left UNKNOWN (its checks answered UNKNOWN too) stays
// undelivered. The broker puts a committed message when its END_TRANSACTION arrives, so the
// commit sent last is put after anything the earlier ends could have wrongly put, give or take
// the order in which the broker finishes ends in flight; one queue and an orderly consumer
// deliver in that order, so once both commits are in, what was delivered is all that will be.
// The order of the two commits is not asserted (ends may finish out of order).
import { describe, expect, it } from 'vitest';
import {
  type LocalTransactionState,
  TransactionProducer,
} from '../../src/client/transaction-producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster();

describe('TransactionProducer with a broker', () => {
  it('delivers a commit once, never a rollback, and not an unknown', async () => {
    const topic = uniqueName('Transfers');
    await cluster.createTopic(topic, 1);
    const tx = new TransactionProducer({
      namesrvAddr: cluster.namesrvAddr,
      producerGroup: uniqueName('TxGroup'),
      logger: silentLogger(),
      transactionListener: {
        executeLocalTransaction: (_msg, arg) => arg as LocalTransactionState,
        checkLocalTransaction: () => 'UNKNOWN',
      },
    });
    await tx.start();
    const seen: string[] = [];
    const c = pushConsumer(cluster.namesrvAddr, uniqueName('Credits'), {
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic, '*').registerMessageListener(
      ([m]) => {
        seen.push(m!.body.toString());
        return 'CONSUME_SUCCESS';
      },
      { orderly: true },
    );
    await c.start();
    try {
      const states: LocalTransactionState[] = [];
      for (const [body, state] of [
        ['commit-1', 'COMMIT'],
        ['rollback-1', 'ROLLBACK'],
        ['unknown-1', 'UNKNOWN'],
        ['commit-2', 'COMMIT'],
      ] as const) {
        const r = await tx.send({ topic, body }, state);
        expect(r.sendResult.sendStatus).toBe('SEND_OK');
        states.push(r.localTransactionState);
      }
      expect(states).toEqual(['COMMIT', 'ROLLBACK', 'UNKNOWN', 'COMMIT']);
      await waitFor(
        () => seen.includes('commit-1') && seen.includes('commit-2'),
        30_000,
        'both commits delivered',
      );
      expect([...seen].sort()).toEqual(['commit-1', 'commit-2']);
    } finally {
      await c.shutdown();
      await tx.shutdown();
    }
  }, 60_000);
});
