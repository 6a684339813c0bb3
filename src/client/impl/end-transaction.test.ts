// The END_TRANSACTION requests a transaction producer sends (spec transactions.md §1.2, §1.5),
// field by field as Java's DefaultMQProducerImpl#endTransaction and #checkTransactionState fill
// EndTransactionRequestHeader, and the whole one-way frame in both header serializations.
import { describe, expect, it } from 'vitest';
import { frameHexes } from '../../../test/harness/header-golden.js';
import type { MessageExt } from '../../message/message.js';
import { FLAG_ONEWAY, isOneway } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import {
  checkAnswerRequest,
  endTransactionRequest,
  LocalTransactionState,
  runListener,
} from './end-transaction.js';

const UNIQ = '7F000001000118B4AAC2000000000000';
/** 127.0.0.1:10911, commit-log offset 123456. */
const OFFSET_ID = '7F00000100002A9F000000000001E240';
const HALF = {
  sendStatus: 'SEND_OK' as const,
  offsetMsgId: OFFSET_ID,
  messageQueue: { topic: 'TopicTest', brokerName: 'broker-a', queueId: 2 },
  queueOffset: 7,
};

/** The commit below, one-way, opaque 17. */
const END_TX = {
  json: [
    '00000179000001757b22636f6465223a33372c226578744669656c6473223a7b22746f706963223a',
    '22546f70696354657374222c2270726f647563657247726f7570223a225047222c227472616e5374',
    '6174655461626c654f6666736574223a2237222c22636f6d6d69744c6f674f6666736574223a2231',
    '3233343536222c22636f6d6d69744f72526f6c6c6261636b223a2238222c2266726f6d5472616e73',
    '616374696f6e436865636b223a2266616c7365222c226d73674964223a2237463030303030313030',
    '30313138423441414332303030303030303030303030222c227472616e73616374696f6e4964223a',
    '223746303030303031303030313138423441414332303030303030303030303030222c22626e616d',
    '65223a2262726f6b65722d61227d2c22666c6167223a322c226c616e6775616765223a224a415641',
    '222c226f7061717565223a31372c2273657269616c697a655479706543757272656e74525043223a',
    '224a534f4e222c2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '0000011f0100011b00250001df000000110000000200000000000001060005746f70696300000009',
    '546f70696354657374000d70726f647563657247726f757000000002504700147472616e53746174',
    '655461626c654f66667365740000000137000f636f6d6d69744c6f674f6666736574000000063132',
    '333435360010636f6d6d69744f72526f6c6c6261636b0000000138001466726f6d5472616e736163',
    '74696f6e436865636b0000000566616c736500056d73674964000000203746303030303031303030',
    '313138423441414332303030303030303030303030000d7472616e73616374696f6e496400000020',
    '37463030303030313030303131384234414143323030303030303030303030300005626e616d6500',
    '00000862726f6b65722d61',
  ].join(''),
};

/** The rollback answering the check below, one-way, opaque 3. */
const CHECK_ANSWER = {
  json: [
    '00000174000001707b22636f6465223a33372c226578744669656c6473223a7b22746f706963223a',
    '22524d515f5359535f5452414e535f48414c465f544f504943222c2270726f647563657247726f75',
    '70223a225047222c227472616e53746174655461626c654f6666736574223a2239222c22636f6d6d',
    '69744c6f674f6666736574223a22363534333231222c22636f6d6d69744f72526f6c6c6261636b22',
    '3a223132222c2266726f6d5472616e73616374696f6e436865636b223a2274727565222c226d7367',
    '4964223a223746303030303031303030313138423441414332303030303030303030303030222c22',
    '7472616e73616374696f6e4964223a2254582d46524f4d2d434845434b222c22626e616d65223a22',
    '62726f6b65722d61227d2c22666c6167223a322c226c616e6775616765223a224a415641222c226f',
    '7061717565223a332c2273657269616c697a655479706543757272656e74525043223a224a534f4e',
    '222c2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '0000011b0100011700250001df000000030000000200000000000001020005746f70696300000018',
    '524d515f5359535f5452414e535f48414c465f544f504943000d70726f647563657247726f757000',
    '000002504700147472616e53746174655461626c654f66667365740000000139000f636f6d6d6974',
    '4c6f674f6666736574000000063635343332310010636f6d6d69744f72526f6c6c6261636b000000',
    '023132001466726f6d5472616e73616374696f6e436865636b000000047472756500056d73674964',
    '000000203746303030303031303030313138423441414332303030303030303030303030000d7472',
    '616e73616374696f6e49640000000d54582d46524f4d2d434845434b0005626e616d650000000862',
    '726f6b65722d61',
  ].join(''),
};

/** As Connection#invokeOneway sends it. */
function oneway(cmd: ReturnType<typeof endTransactionRequest>, opaque: number) {
  return { ...cmd, opaque, flag: cmd.flag | FLAG_ONEWAY };
}

describe('END_TRANSACTION after the local transaction', () => {
  it('carries the half send offsets, the UNIQ_KEY and the broker name (golden frames)', () => {
    const req = endTransactionRequest({
      producerGroup: 'PG',
      topic: 'TopicTest',
      half: HALF,
      uniqKey: UNIQ,
      outcome: { state: 'COMMIT' },
    });
    expect(req.code).toBe(RequestCode.END_TRANSACTION);
    expect(req.remark).toBeUndefined();
    expect(req.extFields).toEqual({
      topic: 'TopicTest',
      producerGroup: 'PG',
      tranStateTableOffset: '7',
      commitLogOffset: '123456',
      commitOrRollback: '8',
      fromTransactionCheck: 'false',
      msgId: UNIQ,
      transactionId: UNIQ,
      bname: 'broker-a',
    });
    const frame = oneway(req, 17);
    expect(isOneway(frame)).toBe(true);
    expect(frameHexes(frame)).toEqual(END_TX);
  });

  it('maps ROLLBACK to 12 and UNKNOWN to 0, and a throw into the remark', () => {
    const of = (outcome: Parameters<typeof endTransactionRequest>[0]['outcome']) =>
      endTransactionRequest({
        producerGroup: 'PG',
        topic: 'T',
        half: HALF,
        uniqKey: UNIQ,
        outcome,
      });
    expect(of({ state: 'ROLLBACK' }).extFields.commitOrRollback).toBe('12');
    const unknown = of({ state: 'UNKNOWN', error: new TypeError('db down') });
    expect(unknown.extFields.commitOrRollback).toBe('0');
    expect(unknown.remark).toBe('executeLocalTransactionBranch exception: TypeError: db down');
  });
});

describe('END_TRANSACTION answering a check', () => {
  it('echoes the check header, msgId from the message, fromTransactionCheck=true', () => {
    const msg = { properties: { UNIQ_KEY: UNIQ, PGROUP: 'PG' }, offsetMsgId: 'X' } as unknown;
    const req = checkAnswerRequest({
      producerGroup: 'PG',
      check: {
        topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
        tranStateTableOffset: 9,
        commitLogOffset: 654_321,
        msgId: UNIQ,
        transactionId: 'TX-FROM-CHECK',
        offsetMsgId: OFFSET_ID,
        bname: 'broker-a',
      },
      msg: msg as MessageExt,
      outcome: { state: 'ROLLBACK' },
    });
    expect(req.extFields).toEqual({
      topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
      producerGroup: 'PG',
      tranStateTableOffset: '9',
      commitLogOffset: '654321',
      commitOrRollback: '12',
      fromTransactionCheck: 'true',
      msgId: UNIQ,
      transactionId: 'TX-FROM-CHECK',
      bname: 'broker-a',
    });
    expect(frameHexes(oneway(req, 3))).toEqual(CHECK_ANSWER);
  });

  it('uses the offset id for msgId when the message has no UNIQ_KEY', () => {
    const req = checkAnswerRequest({
      producerGroup: 'PG',
      check: { tranStateTableOffset: 1, commitLogOffset: 2 },
      msg: { properties: {}, offsetMsgId: OFFSET_ID } as unknown as MessageExt,
      outcome: { state: 'UNKNOWN', error: 'boom' },
    });
    expect(req.extFields).toMatchObject({ msgId: OFFSET_ID, commitOrRollback: '0' });
    expect(req.extFields.transactionId).toBeUndefined();
    expect(req.remark).toBe('checkLocalTransactionState Exception: boom');
  });
});

describe('runListener', () => {
  it('awaits async answers; a throw or an unknown answer is UNKNOWN', async () => {
    expect(await runListener(async () => LocalTransactionState.COMMIT)).toEqual({
      state: 'COMMIT',
    });
    expect(await runListener(() => 'ROLLBACK')).toEqual({ state: 'ROLLBACK' });
    const err = new Error('x');
    expect(
      await runListener(() => {
        throw err;
      }),
    ).toEqual({ state: 'UNKNOWN', error: err });
    expect(await runListener(async () => Promise.reject(err))).toEqual({
      state: 'UNKNOWN',
      error: err,
    });
    expect(await runListener(() => 'commit' as never)).toEqual({ state: 'UNKNOWN' });
    expect(await runListener(() => undefined as never)).toEqual({ state: 'UNKNOWN' });
  });
});
