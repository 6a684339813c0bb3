// Transactions with real processes, on the wire as RocketMQ's clients speak it: a half message
// (sysFlag 0x4, TRAN_MSG, PGROUP) is invisible in its topic until a one-way END_TRANSACTION
// commits it; a rolled-back one never appears; a commit the broker answered survives kill -9
// and is delivered exactly once after the restart; a half whose END_TRANSACTION never comes is
// checked back (CHECK_TRANSACTION_STATE) on its producer's connection, and the answer is honoured.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { MessageSysFlag } from '../../src/message/message.js';
import { decodeCheckTransactionStateHeader } from '../../src/protocol/headers/check-transaction-state.js';
import { encodeEndTransactionHeader } from '../../src/protocol/headers/end-transaction.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { waitForAsync } from '../harness/topics.js';
import {
  endTransactionRequest,
  halfOf,
  type RawHalf,
  sendRawHalf,
} from '../harness/transactions.js';

const COMMIT = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
const GROUP = 'TxProducerGroup';
// Small check timings so the check-back comes within the test; the tests wait for its effect.
const cluster = useCluster({
  brokerConfig: { transactionTimeOut: 100, transactionCheckInterval: 200 },
});

async function sendHalf(topic: string, body: string, group = GROUP): Promise<RawHalf> {
  const r = await sendRawHalf(cluster.raw, topic, body, group);
  expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  return halfOf(r);
}

const endRequest = (h: RawHalf, decision: number, oneway: boolean, group = GROUP) =>
  endTransactionRequest(h, group, decision, oneway);

/** What queue 0 of `topic` holds, as bodies. */
async function bodies(topic: string): Promise<string[]> {
  const r = await cluster.raw.pull(topic, 'TxReader', 0, 0, { subscription: '*' });
  return r.msgs.map((m) => m.body.toString());
}

describe('transactions over the wire', () => {
  it('a one-way commit delivers the half message; a rolled-back one never appears', async () => {
    const topic = uniqueName('Tx');
    await cluster.createTopic(topic, 1);
    const rolledBack = await sendHalf(topic, 'rolled back');
    const committed = await sendHalf(topic, 'committed');
    expect(await bodies(topic)).toEqual([]);
    await cluster.client.invokeOneway(cluster.brokerAddr, endRequest(rolledBack, ROLLBACK, true));
    await cluster.client.invokeOneway(cluster.brokerAddr, endRequest(committed, COMMIT, true));
    await waitForAsync(async () => (await bodies(topic)).length > 0, 30_000, 'the commit');
    // The rollback was recorded (the same decision again is answered as done)...
    const again = await cluster.client.invoke(
      cluster.brokerAddr,
      endRequest(rolledBack, ROLLBACK, false),
      10_000,
    );
    expect(again.code).toBe(ResponseCode.SUCCESS);
    expect(again.remark).toBe('already rolled back');
    // ...and only the committed message is in the topic.
    expect(await bodies(topic)).toEqual(['committed']);
  });

  it('a commit answered before kill -9 is delivered exactly once after the restart', async () => {
    const topic = uniqueName('TxKill');
    await cluster.createTopic(topic, 1);
    const half = await sendHalf(topic, 'survives');
    const r = await cluster.client.invoke(
      cluster.brokerAddr,
      endRequest(half, COMMIT, false),
      10_000,
    );
    expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
    await cluster.broker.kill();
    await cluster.broker.restart();
    expect(await bodies(topic)).toEqual(['survives']);
    const late = await cluster.client.invoke(
      cluster.brokerAddr,
      endRequest(half, ROLLBACK, false),
      10_000,
    );
    expect(late.code).toBe(ResponseCode.TRANSACTION_FAILED);
    expect(late.remark).toMatch(/was already committed/);
    const twice = await cluster.client.invoke(
      cluster.brokerAddr,
      endRequest(half, COMMIT, false),
      10_000,
    );
    expect(twice.remark).toBe('already committed');
    expect(await bodies(topic)).toEqual(['survives']);
  });

  it('checks back a half whose END_TRANSACTION never came, and honours the answer', async () => {
    const topic = uniqueName('TxCheck');
    const group = uniqueName('TxCheckGroup');
    await cluster.createTopic(topic, 1);
    let checks = 0;
    // The producer's side, as the Java client answers a check: a one-way END_TRANSACTION with
    // fromTransactionCheck=true and the check's offsets, on the connection the check came on.
    const producer: RemotingClient = new RemotingClient(silentLogger(), (cmd, _conn, addr) => {
      if (cmd.code !== RequestCode.CHECK_TRANSACTION_STATE) return;
      checks++;
      const c = decodeCheckTransactionStateHeader(cmd.extFields);
      const answer = encodeEndTransactionHeader({
        producerGroup: group,
        tranStateTableOffset: c.tranStateTableOffset,
        commitLogOffset: c.commitLogOffset,
        commitOrRollback: COMMIT,
        fromTransactionCheck: true,
        msgId: c.msgId!,
        transactionId: c.transactionId,
      });
      void producer.invokeOneway(
        addr,
        createRequest(RequestCode.END_TRANSACTION, 0, answer, undefined, true),
      );
    });
    try {
      const hb = { clientID: `tx-${group}`, producerDataSet: [{ groupName: group }] };
      const joined = await producer.invoke(
        cluster.brokerAddr,
        createRequest(RequestCode.HEART_BEAT, 0, {}, Buffer.from(JSON.stringify(hb))),
        10_000,
      );
      expect(joined.code).toBe(ResponseCode.SUCCESS);
      await sendHalf(topic, 'checked', group);
      await waitForAsync(async () => (await bodies(topic)).length > 0, 30_000, 'the check-back');
      expect(checks).toBeGreaterThanOrEqual(1);
      expect(await bodies(topic)).toEqual(['checked']);
    } finally {
      producer.close();
    }
  });
});
