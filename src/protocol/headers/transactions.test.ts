// Transaction header codecs (END_TRANSACTION 37, CHECK_TRANSACTION_STATE 39; spec
// transactions.md §1.2 and §1.5): golden frames in both serializations, decode of strings and of
// JSON numbers and booleans, and the refusals: a missing required field, a commitOrRollback that
// is not 0, 8 or 12, a value that is not a number.
import { describe, expect, it } from 'vitest';
import {
  decodeFrameHex,
  frameHexes,
  validationError,
} from '../../../test/harness/header-golden.js';
import {
  createRequest,
  decodeCommand,
  type ExtFields,
  encodeCommand,
  FLAG_ONEWAY,
} from '../remoting-command.js';
import { RequestCode } from '../request-code.js';
import { ResponseCode } from '../response-code.js';
import {
  type CheckTransactionStateRequestHeader,
  decodeCheckTransactionStateHeader,
  encodeCheckTransactionStateHeader,
} from './check-transaction-state.js';
import {
  decodeEndTransactionHeader,
  type EndTransactionRequestHeader,
  encodeEndTransactionHeader,
} from './end-transaction.js';

const END_TX = {
  json: [
    '000001520000014e7b22636f6465223a33372c226578744669656c6473223a7b2270726f64756365',
    '7247726f7570223a225047222c227472616e53746174655461626c654f6666736574223a2237222c',
    '22636f6d6d69744c6f674f6666736574223a22313233343536222c22636f6d6d69744f72526f6c6c',
    '6261636b223a2238222c2266726f6d5472616e73616374696f6e436865636b223a2266616c736522',
    '2c226d73674964223a22374630303030303130303031313842344141433230303030303030303030',
    '3030222c227472616e73616374696f6e4964223a2237463030303030313030303131384234414143',
    '32303030303030303030303030227d2c22666c6167223a322c226c616e6775616765223a224a4156',
    '41222c226f7061717565223a31372c2273657269616c697a655479706543757272656e7452504322',
    '3a224a534f4e222c2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '000000f8010000f400250001df000000110000000200000000000000df000d70726f647563657247',
    '726f757000000002504700147472616e53746174655461626c654f66667365740000000137000f63',
    '6f6d6d69744c6f674f6666736574000000063132333435360010636f6d6d69744f72526f6c6c6261',
    '636b0000000138001466726f6d5472616e73616374696f6e436865636b0000000566616c73650005',
    '6d736749640000002037463030303030313030303131384234414143323030303030303030303030',
    '30000d7472616e73616374696f6e4964000000203746303030303031303030313138423441414332',
    '303030303030303030303030',
  ].join(''),
};

const CHECK_TX = {
  json: [
    '000001720000016a7b22636f6465223a33392c226578744669656c6473223a7b22746f706963223a',
    '22524d515f5359535f5452414e535f48414c465f544f504943222c227472616e5374617465546162',
    '6c654f6666736574223a2237222c22636f6d6d69744c6f674f6666736574223a2231323334353622',
    '2c226d73674964223a22374630303030303130303031313842344141433230303030303030303030',
    '3030222c227472616e73616374696f6e4964223a2237463030303030313030303131384234414143',
    '32303030303030303030303030222c226f66667365744d73674964223a2237463030303030313030',
    '30303241394630303030303030303030303145323430222c22626e616d65223a2262726f6b65722d',
    '61227d2c22666c6167223a322c226c616e6775616765223a224a415641222c226f7061717565223a',
    '31382c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c22766572',
    '73696f6e223a3437397d626f6479',
  ].join(''),
  rocketmq: [
    '000001180100011000270001df000000120000000200000000000000fb0005746f70696300000018',
    '524d515f5359535f5452414e535f48414c465f544f50494300147472616e53746174655461626c65',
    '4f66667365740000000137000f636f6d6d69744c6f674f6666736574000000063132333435360005',
    '6d736749640000002037463030303030313030303131384234414143323030303030303030303030',
    '30000d7472616e73616374696f6e4964000000203746303030303031303030313138423441414332',
    '303030303030303030303030000b6f66667365744d73674964000000203746303030303031303030',
    '3032413946303030303030303030303031453234300005626e616d650000000862726f6b65722d61',
    '626f6479',
  ].join(''),
};

const UNIQ = '7F000001000118B4AAC2000000000000';

/** A commit, sent one-way right after the local transaction. */
const COMMIT: EndTransactionRequestHeader = {
  producerGroup: 'PG',
  tranStateTableOffset: 7,
  commitLogOffset: 123_456,
  commitOrRollback: 8,
  fromTransactionCheck: false,
  msgId: UNIQ,
  transactionId: UNIQ,
};

const CHECK: CheckTransactionStateRequestHeader = {
  topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
  tranStateTableOffset: 7,
  commitLogOffset: 123_456,
  msgId: UNIQ,
  transactionId: UNIQ,
  offsetMsgId: '7F00000100002A9F000000000001E240',
  bname: 'broker-a',
};

function both(code: number, opaque: number, ext: ExtFields, body?: Buffer) {
  const cmd = { ...createRequest(code, opaque, ext, body, true), opaque };
  expect(cmd.flag).toBe(FLAG_ONEWAY);
  return frameHexes(cmd);
}

describe('END_TRANSACTION header', () => {
  it('golden frames, and back', () => {
    const ext = encodeEndTransactionHeader(COMMIT);
    expect(both(RequestCode.END_TRANSACTION, 17, ext)).toEqual(END_TX);
    const rpc = { ns: undefined, nsd: undefined, bname: undefined, oway: undefined };
    for (const hex of Object.values(END_TX)) {
      expect(decodeEndTransactionHeader(decodeFrameHex(hex).extFields)).toEqual({
        ...COMMIT,
        topic: undefined,
        ...rpc,
      });
    }
  });

  it('reads a check answer whose numbers and booleans were JSON, with the RPC fields', () => {
    // ali-ons-style JSON numbers and booleans reach the codec already as strings.
    const ext = decodeCommand(
      encodeCommand(
        createRequest(RequestCode.END_TRANSACTION, 1, {
          topic: 'TopicTest',
          producerGroup: 'PG',
          tranStateTableOffset: 7,
          commitLogOffset: 123_456,
          commitOrRollback: 12,
          fromTransactionCheck: true,
          msgId: UNIQ,
          bname: 'broker-a',
          oway: true,
        }),
      ).subarray(4),
    ).extFields;
    expect(decodeEndTransactionHeader(ext)).toMatchObject({
      topic: 'TopicTest',
      commitOrRollback: 12,
      fromTransactionCheck: true,
      transactionId: undefined,
      bname: 'broker-a',
      oway: true,
    });
  });

  it('defaults fromTransactionCheck to false and accepts 0 (unknown yet)', () => {
    const { fromTransactionCheck, ...rest } = COMMIT;
    const h = decodeEndTransactionHeader(
      encodeEndTransactionHeader({ ...rest, commitOrRollback: 0 }),
    );
    expect(h.fromTransactionCheck).toBe(false);
    expect(h.commitOrRollback).toBe(0);
    expect(fromTransactionCheck).toBe(false);
  });

  it('refuses a commitOrRollback other than 0, 8, 12', () => {
    for (const v of ['4', '1', '-8']) {
      const ext = { ...encodeEndTransactionHeader(COMMIT), commitOrRollback: v };
      const err = validationError(() => decodeEndTransactionHeader(ext));
      expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
      expect(err.remark).toContain("'commitOrRollback'");
      expect(err.remark).toContain(`'${v}'`);
    }
  });

  it('names each missing required field, and refuses bad numbers and booleans', () => {
    const full = encodeEndTransactionHeader(COMMIT);
    for (const key of [
      'producerGroup',
      'tranStateTableOffset',
      'commitLogOffset',
      'commitOrRollback',
      'msgId',
    ]) {
      const { [key]: _gone, ...rest } = full;
      expect(validationError(() => decodeEndTransactionHeader(rest)).remark).toContain(`'${key}'`);
    }
    const badOffset = { ...full, commitLogOffset: '12x' };
    expect(validationError(() => decodeEndTransactionHeader(badOffset)).remark).toContain(
      "'commitLogOffset'",
    );
    const badBool = { ...full, fromTransactionCheck: 'maybe' };
    expect(validationError(() => decodeEndTransactionHeader(badBool)).remark).toContain(
      "'fromTransactionCheck'",
    );
  });
});

describe('CHECK_TRANSACTION_STATE header', () => {
  it('golden frames (the body is the message), and back', () => {
    const ext = encodeCheckTransactionStateHeader(CHECK);
    expect(both(RequestCode.CHECK_TRANSACTION_STATE, 18, ext, Buffer.from('body'))).toEqual(
      CHECK_TX,
    );
    for (const hex of Object.values(CHECK_TX)) {
      expect(decodeCheckTransactionStateHeader(decodeFrameHex(hex).extFields)).toEqual({
        ...CHECK,
        ns: undefined,
        nsd: undefined,
        oway: undefined,
      });
    }
  });

  it('needs only the two offsets', () => {
    const h = decodeCheckTransactionStateHeader({
      tranStateTableOffset: '0',
      commitLogOffset: '9',
    });
    expect(h).toMatchObject({ tranStateTableOffset: 0, commitLogOffset: 9, msgId: undefined });
    expect(
      validationError(() => decodeCheckTransactionStateHeader({ commitLogOffset: '9' })).remark,
    ).toContain("'tranStateTableOffset'");
    expect(
      validationError(() => decodeCheckTransactionStateHeader({ tranStateTableOffset: '0' }))
        .remark,
    ).toContain("'commitLogOffset'");
    const bad = { tranStateTableOffset: 'x', commitLogOffset: '9' };
    expect(validationError(() => decodeCheckTransactionStateHeader(bad)).remark).toContain(
      "'tranStateTableOffset'",
    );
  });
});
