// TransactionProducer against a scripted peer (impl/scripted-broker.fixture.ts): a real
// RemotingServer on loopback that plays the name server and a broker, takes the half send,
// answers it as a broker answers a half message, sends CHECK_TRANSACTION_STATE on the producer's
// own connection and records the END_TRANSACTION that comes back. A scripted peer rather than
// the real broker, because the broker side of transactions is being built at the same time; the
// end-to-end test against a real broker is test/integration/sdk-transaction.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../test/harness/poll.js';
import { silentLogger } from '../common/logger.js';
import { MessageSysFlag } from '../message/message.js';
import { decodeProperties } from '../message/properties-codec.js';
import { encodeRecord } from '../message/record-codec.js';
import { encodeCheckTransactionStateHeader } from '../protocol/headers/check-transaction-state.js';
import { decodeSendHeader } from '../protocol/headers/send.js';
import { createRequestWithFields, isOneway } from '../protocol/remoting-command.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import {
  BROKER_NAME,
  heartbeatGroups,
  type ScriptedBroker,
  startScriptedBroker,
} from './impl/scripted-broker.fixture.js';
import {
  type CheckedMessage,
  LocalTransactionState,
  TransactionProducer,
  type TransactionProducerOptions,
} from './transaction-producer.js';

const DEADLINE_MS = 20_000;
let peer: ScriptedBroker;
let producers: TransactionProducer[];

beforeEach(async () => {
  peer = await startScriptedBroker();
  producers = [];
});

afterEach(async () => {
  for (const p of producers) await p.shutdown();
  await peer.close();
});

async function producer(
  listener: TransactionProducerOptions['transactionListener'],
  more: Partial<TransactionProducerOptions> = {},
): Promise<TransactionProducer> {
  const p = new TransactionProducer({
    namesrvAddr: peer.addr,
    producerGroup: 'PG',
    transactionListener: listener,
    retryTimesWhenSendFailed: 0,
    logger: silentLogger(),
    ...more,
  });
  producers.push(p);
  await p.start();
  return p;
}

const never = () => {
  throw new Error('not expected to be called');
};

async function ends(n: number) {
  return pollUntil(
    () => peer.of(RequestCode.END_TRANSACTION),
    (e) => e.length >= n,
    DEADLINE_MS,
  );
}

describe('TransactionProducer.send', () => {
  it('sends a half message, runs the local transaction, then ends it one-way', async () => {
    const seen: unknown[] = [];
    const p = await producer({
      executeLocalTransaction: async (msg, arg) => {
        seen.push({ transactionId: msg.transactionId, arg, body: msg.body });
        return LocalTransactionState.COMMIT;
      },
      checkLocalTransaction: never,
    });
    const r = await p.send({ topic: 'T', body: 'debit', delayTimeLevel: 3 }, { id: 1 });
    const [half] = peer.of(RequestCode.SEND_MESSAGE_V2);
    const h = decodeSendHeader(half!.cmd.code, half!.cmd.extFields);
    const props = decodeProperties(h.properties);
    expect(h.sysFlag & MessageSysFlag.TRANSACTION_PREPARED_TYPE).toBe(4);
    expect(props).toMatchObject({ TRAN_MSG: 'true', PGROUP: 'PG' });
    expect(props.DELAY).toBeUndefined(); // Java's client drops a delay level
    const uniq = props.UNIQ_KEY!;
    expect(seen).toEqual([{ transactionId: uniq, arg: { id: 1 }, body: 'debit' }]);
    expect(r).toMatchObject({
      localTransactionState: 'COMMIT',
      transactionId: uniq,
      sendResult: { sendStatus: 'SEND_OK', msgId: uniq, queueOffset: 7 },
    });
    const [end] = await ends(1);
    expect(isOneway(end!.cmd)).toBe(true);
    expect(end!.conn).toBe(half!.conn);
    expect(end!.cmd.extFields).toEqual({
      topic: 'T',
      producerGroup: 'PG',
      tranStateTableOffset: '7',
      commitLogOffset: '123456',
      commitOrRollback: '8',
      fromTransactionCheck: 'false',
      msgId: uniq,
      transactionId: uniq,
      bname: BROKER_NAME,
    });
  });

  it('a throwing local transaction is UNKNOWN, and the error goes into the remark', async () => {
    const p = await producer({
      executeLocalTransaction: async () => {
        throw new RangeError('no funds table');
      },
      checkLocalTransaction: never,
    });
    const r = await p.sendMessageInTransaction({ topic: 'T', body: 'x' });
    expect(r.localTransactionState).toBe('UNKNOWN');
    const [end] = await ends(1);
    expect(end!.cmd.extFields.commitOrRollback).toBe('0');
    expect(end!.cmd.remark).toBe(
      'executeLocalTransactionBranch exception: RangeError: no funds table',
    );
  });

  it('stored but not SEND_OK: ROLLBACK without running the local transaction', async () => {
    peer.sendCode = ResponseCode.FLUSH_DISK_TIMEOUT;
    const p = await producer({ executeLocalTransaction: never, checkLocalTransaction: never });
    const r = await p.send({ topic: 'T', body: 'x' });
    expect(r.localTransactionState).toBe('ROLLBACK');
    expect(r.sendResult.sendStatus).toBe('FLUSH_DISK_TIMEOUT');
    const [end] = await ends(1);
    expect(end!.cmd.extFields.commitOrRollback).toBe('12');
  });

  it('a refused send rejects: no local transaction, no END_TRANSACTION', async () => {
    peer.sendCode = ResponseCode.MESSAGE_ILLEGAL;
    const p = await producer({ executeLocalTransaction: never, checkLocalTransaction: never });
    await expect(p.send({ topic: 'T', body: 'x' })).rejects.toMatchObject({
      responseCode: ResponseCode.MESSAGE_ILLEGAL,
    });
    // A later transaction's end is the first END_TRANSACTION the peer sees.
    peer.sendCode = ResponseCode.SUCCESS;
    const q = await producer(
      { executeLocalTransaction: () => 'ROLLBACK', checkLocalTransaction: never },
      { producerGroup: 'PG2' },
    );
    await q.send({ topic: 'T', body: 'y' });
    const all = await ends(1);
    expect(all.map((e) => e.cmd.extFields.producerGroup)).toEqual(['PG2']);
  });
});

/** The half message as a broker stores it and sends it in a check (commit-log encoding). */
function halfRecord(uniq: string, group: string, topic: string, body: string): Buffer {
  return encodeRecord({
    topic,
    queueId: 0,
    flag: 0,
    body: Buffer.from(body),
    properties: { UNIQ_KEY: uniq, TRAN_MSG: 'true', PGROUP: group, REAL_TOPIC: topic },
    sysFlag: 0,
    bornTimestamp: 1_700_000_000_000,
    bornHost: '127.0.0.1:50000',
    storeHost: peer.addr,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  }).bytes;
}

function checkRequest(uniq: string, tranStateTableOffset: number, body: Buffer) {
  return createRequestWithFields(
    RequestCode.CHECK_TRANSACTION_STATE,
    encodeCheckTransactionStateHeader({
      topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
      tranStateTableOffset,
      commitLogOffset: 200_000 + tranStateTableOffset,
      msgId: uniq,
      transactionId: uniq,
      offsetMsgId: 'ignored',
      bname: BROKER_NAME,
    }),
    body,
  );
}

/** The connection of the producer's first heartbeat naming `group`. */
async function heartbeatConnection(group: string) {
  // The first half message a broker takes is followed by a heartbeat naming the group.
  const beats = await pollUntil(
    () => peer.of(RequestCode.HEART_BEAT),
    (b) => b.some((x) => heartbeatGroups(x.cmd).includes(group)),
    DEADLINE_MS,
  );
  const beat = beats.find((b) => heartbeatGroups(b.cmd).includes(group));
  expect(beat, `a HEART_BEAT with ${group} in producerDataSet`).toBeDefined();
  return beat!.conn;
}

describe('check-back', () => {
  it('answers CHECK_TRANSACTION_STATE on the same connection, fromTransactionCheck=true', async () => {
    const checked: CheckedMessage[] = [];
    let answer: LocalTransactionState | 'THROW' = 'UNKNOWN';
    const p = await producer(
      {
        executeLocalTransaction: () => 'UNKNOWN',
        checkLocalTransaction: async (msg) => {
          checked.push(msg);
          if (answer === 'THROW') throw new Error('db down');
          return answer;
        },
      },
      { namespace: 'ns' },
    );
    const uniq = (await p.send({ topic: 'T', body: 'credit' })).transactionId;
    const conn = await heartbeatConnection('ns%PG');
    const record = halfRecord(uniq, 'ns%PG', 'ns%T', 'credit');
    answer = 'COMMIT';
    peer.push(conn, checkRequest(uniq, 8, record));
    const [, fromCheck] = await ends(2);
    expect(isOneway(fromCheck!.cmd)).toBe(true);
    expect(fromCheck!.conn).toBe(conn);
    expect(fromCheck!.cmd.extFields).toEqual({
      topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
      producerGroup: 'ns%PG',
      tranStateTableOffset: '8',
      commitLogOffset: '200008',
      commitOrRollback: '8',
      fromTransactionCheck: 'true',
      msgId: uniq,
      transactionId: uniq,
      bname: BROKER_NAME,
    });
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({ topic: 'T', transactionId: uniq });
    expect(checked[0]!.body.toString()).toBe('credit');

    // A check the listener throws on is answered UNKNOWN, with the error as the remark.
    answer = 'THROW';
    peer.push(conn, checkRequest(uniq, 9, record));
    const third = (await ends(3))[2]!;
    expect(third.cmd.extFields).toMatchObject({ tranStateTableOffset: '9', commitOrRollback: '0' });
    expect(third.cmd.remark).toBe('checkLocalTransactionState Exception: Error: db down');
  });

  it('ignores a check for another group and one that does not decode', async () => {
    const p = await producer({
      executeLocalTransaction: () => 'UNKNOWN',
      checkLocalTransaction: () => 'ROLLBACK',
    });
    const uniq = (await p.send({ topic: 'T', body: 'x' })).transactionId;
    const conn = await heartbeatConnection('PG');
    peer.push(conn, checkRequest(uniq, 1, halfRecord(uniq, 'OTHER', 'T', 'x')));
    peer.push(conn, checkRequest(uniq, 2, Buffer.from('not a record')));
    const noOffset = checkRequest(uniq, 3, halfRecord(uniq, 'PG', 'T', 'x'));
    delete noOffset.extFields.tranStateTableOffset;
    peer.push(conn, noOffset);
    peer.push(conn, checkRequest(uniq, 4, halfRecord(uniq, 'PG', 'T', 'x')));
    // Checks are read in order; an answer to any of the first three would come before this one.
    const all = await ends(2);
    expect(all.map((e) => e.cmd.extFields.fromTransactionCheck)).toEqual(['false', 'true']);
    expect(all[1]!.cmd.extFields).toMatchObject({
      tranStateTableOffset: '4',
      commitOrRollback: '12',
    });
    expect(conn.isClosed).toBe(false);
  });
});
