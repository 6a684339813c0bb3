// Our TransactionProducer against a real broker: a committed transaction reaches a push consumer
// once, a rolled-back one never, and one left UNKNOWN (its checks answered UNKNOWN too) stays
// undelivered. The broker puts a committed message when its END_TRANSACTION arrives, so the
// commit sent last is put after anything the earlier ends could have wrongly put, give or take
// the order in which the broker finishes ends in flight; one queue and an orderly consumer
// deliver in that order, so once both commits are in, what was delivered is all that will be.
// The order of the two commits is not asserted (ends may finish out of order).
//
// Check-backs run fast here (transactionTimeOut 1000 ms, transactionCheckInterval 300 ms). An
// UNKNOWN whose check says COMMIT is delivered once: a second such transaction sent after the
// first was delivered is a marker, checked back only in a round at least transactionTimeOut
// later, so by the time it is delivered tx1 has been through a few more rounds, and a second
// copy of tx1 (from a check the broker should no longer send) would have been put before it.
// A producer gone after its half message: another member of its group, known to the broker by
// the heartbeat that follows its own first half message, answers the check.
import { describe, expect, it } from 'vitest';
import type { PushConsumer } from '../../src/client/push-consumer.js';
import {
  type CheckedMessage,
  type LocalTransactionState,
  TransactionProducer,
} from '../../src/client/transaction-producer.js';
import { silentLogger } from '../../src/common/logger.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pushConsumer } from '../harness/sdk.js';
import { waitFor } from '../harness/topics.js';

const cluster = useCluster({
  brokerConfig: { transactionTimeOut: 1000, transactionCheckInterval: 300 },
});

/** A started TransactionProducer in group whose local transactions answer UNKNOWN. */
async function txProducer(
  group: string,
  checkLocalTransaction: (msg: CheckedMessage) => LocalTransactionState,
  executeLocalTransaction: (arg: unknown) => LocalTransactionState = () => 'UNKNOWN',
): Promise<TransactionProducer> {
  const tx = new TransactionProducer({
    namesrvAddr: cluster.namesrvAddr,
    producerGroup: group,
    logger: silentLogger(),
    transactionListener: {
      executeLocalTransaction: (_msg, arg) => executeLocalTransaction(arg),
      checkLocalTransaction,
    },
  });
  await tx.start();
  return tx;
}

/** A started orderly push consumer of topic from its first offset; seen gets each body. */
async function bodiesOf(topic: string, seen: string[]): Promise<PushConsumer> {
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
  return c;
}

const count = (seen: string[], body: string) => seen.filter((b) => b === body).length;

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

  it('delivers once an UNKNOWN whose check-back says COMMIT', async () => {
    const topic = uniqueName('Transfers');
    await cluster.createTopic(topic, 1);
    const checked: string[] = [];
    const tx = await txProducer(uniqueName('TxGroup'), (msg) => {
      checked.push(msg.body.toString());
      return 'COMMIT';
    });
    const seen: string[] = [];
    const c = await bodiesOf(topic, seen);
    try {
      const r = await tx.send({ topic, body: 'checked-1' });
      expect(r.localTransactionState).toBe('UNKNOWN');
      await waitFor(() => seen.includes('checked-1'), 30_000, 'the checked commit delivered');
      expect(checked).toContain('checked-1');
      await tx.send({ topic, body: 'marker' });
      await waitFor(() => seen.includes('marker'), 30_000, 'the marker delivered');
      expect(count(seen, 'checked-1')).toBe(1);
      expect(count(seen, 'marker')).toBe(1);
    } finally {
      await c.shutdown();
      await tx.shutdown();
    }
  }, 60_000);

  it('has a check answered by another member of the group when the sender is gone', async () => {
    const topic = uniqueName('Transfers');
    await cluster.createTopic(topic, 1);
    const group = uniqueName('TxGroup');
    const askedA: string[] = [];
    const askedB: string[] = [];
    // B's own committed transaction makes it known to the broker (its first half message is
    // followed by a heartbeat); the periodic heartbeat would take 30 s.
    const b = await txProducer(
      group,
      (msg) => {
        askedB.push(msg.body.toString());
        return 'COMMIT';
      },
      (arg) => arg as LocalTransactionState,
    );
    const a = await txProducer(group, (msg) => {
      askedA.push(msg.body.toString());
      return 'ROLLBACK';
    });
    const seen: string[] = [];
    const c = await bodiesOf(topic, seen);
    let aDown = false;
    try {
      expect((await b.send({ topic, body: 'from-b' }, 'COMMIT')).localTransactionState).toBe(
        'COMMIT',
      );
      await waitFor(() => seen.includes('from-b'), 30_000, "B's own commit delivered");
      const r = await a.send({ topic, body: 'from-a' });
      expect(r.localTransactionState).toBe('UNKNOWN');
      await a.shutdown();
      aDown = true;
      await waitFor(() => seen.includes('from-a'), 30_000, "A's half committed by B's answer");
      expect(askedB).toContain('from-a');
      expect(askedA).toEqual([]);
      await b.send({ topic, body: 'marker' }, 'UNKNOWN');
      await waitFor(() => seen.includes('marker'), 30_000, 'the marker delivered');
      expect(count(seen, 'from-a')).toBe(1);
      expect(count(seen, 'from-b')).toBe(1);
    } finally {
      await c.shutdown();
      if (!aDown) await a.shutdown();
      await b.shutdown();
    }
  }, 60_000);
});
