// Send header codec (SendMessageRequestHeader, its V2 keys, SendMessageResponseHeader): golden
// frames, byte for byte what the producer, the send-back copy and a SEND_MESSAGE (10) client put
// on the wire before the codec existed, in the JSON and ROCKETMQ header serializations; and the
// broker's decode of strings, of ali-ons' coerced JSON numbers, and of missing or bad fields.
import { describe, expect, it } from 'vitest';
import {
  decodeFrameHex,
  decodeGoldenFixture,
  frameHexes,
  validationError,
} from '../../../test/harness/header-golden.js';
import {
  createRequestWithFields,
  createResponseWithFields,
  type ExtFields,
} from '../remoting-command.js';
import { RequestCode } from '../request-code.js';
import { ResponseCode } from '../response-code.js';
import {
  decodeSendHeader,
  decodeSendResponseHeader,
  encodeSendHeader,
  encodeSendResponseHeader,
  isV2SendCode,
  type SendMessageRequestHeader,
} from './send.js';

const PROPS = 'TAGS\u0001TagA\u0002WAIT\u0001true\u0002';

function frame(code: number, opaque: number, ext: ExtFields, body?: Buffer) {
  return { ...createRequestWithFields(code, ext, body), opaque };
}

/** The producer's send: every field but maxReconsumeTimes, batch false. */
const PRODUCER: SendMessageRequestHeader = {
  producerGroup: 'PG',
  topic: 'TopicTest',
  defaultTopic: 'TBW102',
  defaultTopicQueueNums: 4,
  queueId: 3,
  sysFlag: 0,
  bornTimestamp: 1_700_000_000_000,
  flag: 0,
  properties: PROPS,
  reconsumeTimes: 0,
  unitMode: false,
  batch: false,
};

const SEND_V2_JSON = [
  '00000121000001187b22636f6465223a3331302c226578744669656c6473223a7b2261223a225047',
  '222c2262223a22546f70696354657374222c2263223a22544257313032222c2264223a2234222c22',
  '65223a2233222c2266223a2230222c2267223a2231373030303030303030303030222c2268223a22',
  '30222c2269223a22544147535c7530303031546167415c7530303032574149545c75303030317472',
  '75655c7530303032222c226a223a2230222c226b223a2266616c7365222c226d223a2266616c7365',
  '227d2c22666c6167223a302c226c616e6775616765223a224a415641222c226f7061717565223a37',
  '2c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c227665727369',
  '6f6e223a3437397d68656c6c6f',
].join('');

const SEND_V2_ROCKETMQ = [
  '000000b3010000aa01360001df000000070000000000000000000000950001610000000250470001',
  '6200000009546f706963546573740001630000000654425731303200016400000001340001650000',
  '00013300016600000001300001670000000d31373030303030303030303030000168000000013000',
  '016900000014544147530154616741025741495401747275650200016a000000013000016b000000',
  '0566616c736500016d0000000566616c736568656c6c6f',
].join('');

/** The consumer's copy to %RETRY% when CONSUMER_SEND_MSG_BACK failed: maxReconsumeTimes, no batch. */
const SEND_BACK_JSON = [
  '0000011a000001157b22636f6465223a3331302c226578744669656c6473223a7b2261223a224347',
  '222c2262223a22255245545259254347222c2263223a22544257313032222c2264223a2231222c22',
  '65223a2230222c2266223a2231222c2267223a2231373030303030303030303030222c2268223a22',
  '30222c2269223a22544147535c7530303031546167415c7530303032574149545c75303030317472',
  '75655c7530303032222c226a223a2232222c226b223a2266616c7365222c226c223a223136227d2c',
  '22666c6167223a302c226c616e6775616765223a224a415641222c226f7061717565223a382c2273',
  '657269616c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e22',
  '3a3437397d78',
].join('');

const SEND_V1_JSON = [
  '00000178000001727b22636f6465223a31302c226578744669656c6473223a7b2270726f64756365',
  '7247726f7570223a225047222c22746f706963223a22546f70696354657374222c2264656661756c',
  '74546f706963223a22544257313032222c2264656661756c74546f70696351756575654e756d7322',
  '3a2234222c2271756575654964223a2231222c22737973466c6167223a2230222c22626f726e5469',
  '6d657374616d70223a2231373030303030303030303030222c22666c6167223a2230222c2270726f',
  '70657274696573223a22544147535c7530303031546167415c7530303032574149545c7530303031',
  '747275655c7530303032222c227265636f6e73756d6554696d6573223a2230222c22756e69744d6f',
  '6465223a2266616c7365227d2c22666c6167223a302c226c616e6775616765223a224a415641222c',
  '226f7061717565223a322c2273657269616c697a655479706543757272656e74525043223a224a53',
  '4f4e222c2276657273696f6e223a3437397d7631',
].join('');

const SEND_V1_ROCKETMQ = [
  '0000010b01000105000a0001df000000020000000000000000000000f0000d70726f647563657247',
  '726f75700000000250470005746f70696300000009546f70696354657374000c64656661756c7454',
  '6f70696300000006544257313032001564656661756c74546f70696351756575654e756d73000000',
  '013400077175657565496400000001310007737973466c61670000000130000d626f726e54696d65',
  '7374616d700000000d313730303030303030303030300004666c61670000000130000a70726f7065',
  '7274696573000000145441475301546167410257414954017472756502000e7265636f6e73756d65',
  '54696d657300000001300008756e69744d6f64650000000566616c73657631',
].join('');

const SEND_RESPONSE_JSON = [
  '0000011f0000011b7b22636f6465223a302c226578744669656c6473223a7b226d73674964223a22',
  '3746303030303031303030303241394630303030303030303030303030303030222c227175657565',
  '4964223a2233222c2271756575654f6666736574223a223432222c227472616e73616374696f6e49',
  '64223a223746303030303031303030313138423441414332303030303030303030303030222c224d',
  '53475f524547494f4e223a2244656661756c74526567696f6e222c2254524143455f4f4e223a2274',
  '727565227d2c22666c6167223a312c226c616e6775616765223a224a415641222c226f7061717565',
  '223a372c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c227665',
  '7273696f6e223a3437397d',
].join('');

/** A SEND_MESSAGE (10) client's send: the producer's, without batch. */
const V1: SendMessageRequestHeader = { ...PRODUCER, queueId: 1, batch: undefined };

describe('encodeSendHeader: golden frames', () => {
  it('SEND_MESSAGE_V2 as the producer sent it, JSON and ROCKETMQ', () => {
    const ext = encodeSendHeader(PRODUCER, { v2: true });
    const cmd = frame(RequestCode.SEND_MESSAGE_V2, 7, ext, Buffer.from('hello'));
    expect(frameHexes(cmd)).toEqual({ json: SEND_V2_JSON, rocketmq: SEND_V2_ROCKETMQ });
  });

  it('the send-back copy: l present, m absent', () => {
    const ext = encodeSendHeader(
      {
        producerGroup: 'CG',
        topic: '%RETRY%CG',
        defaultTopic: 'TBW102',
        defaultTopicQueueNums: 1,
        queueId: 0,
        sysFlag: 1,
        bornTimestamp: 1_700_000_000_000,
        flag: 0,
        properties: PROPS,
        reconsumeTimes: 2,
        unitMode: false,
        maxReconsumeTimes: 16,
      },
      { v2: true },
    );
    const cmd = frame(RequestCode.SEND_MESSAGE_V2, 8, ext, Buffer.from('x'));
    expect(frameHexes(cmd).json).toBe(SEND_BACK_JSON);
  });

  it('SEND_MESSAGE (10) under the Java field names, JSON and ROCKETMQ', () => {
    const cmd = frame(
      RequestCode.SEND_MESSAGE,
      2,
      encodeSendHeader(V1, { v2: false }),
      Buffer.from('v1'),
    );
    expect(frameHexes(cmd)).toEqual({ json: SEND_V1_JSON, rocketmq: SEND_V1_ROCKETMQ });
  });

  it('leaves out every undefined optional and writes only strings', () => {
    const { properties, reconsumeTimes, unitMode, batch, ...required } = PRODUCER;
    const ext = encodeSendHeader(required, { v2: true });
    expect(Object.keys(ext)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(Object.values(ext).every((v) => typeof v === 'string')).toBe(true);
    expect(encodeSendHeader({ ...required, batch: true }, { v2: true }).m).toBe('true');
  });

  it('the send response, transactionId between queueOffset and MSG_REGION', () => {
    const ext = encodeSendResponseHeader({
      msgId: '7F00000100002A9F0000000000000000',
      queueId: 3,
      queueOffset: 42,
      transactionId: '7F000001000118B4AAC2000000000000',
      MSG_REGION: 'DefaultRegion',
      TRACE_ON: true,
    });
    const res = createResponseWithFields({ opaque: 7 }, ResponseCode.SUCCESS, undefined, ext);
    expect(frameHexes(res).json).toBe(SEND_RESPONSE_JSON);
    const batch = encodeSendResponseHeader({
      msgId: 'A,B',
      queueId: 0,
      queueOffset: 5,
      MSG_REGION: 'R',
      TRACE_ON: false,
    });
    expect(Object.keys(batch)).toEqual([
      'msgId',
      'queueId',
      'queueOffset',
      'MSG_REGION',
      'TRACE_ON',
    ]);
    expect(batch.TRACE_ON).toBe('false');
  });
});

describe('decodeSendHeader', () => {
  it('reads back what encode wrote, in both serializations and both key sets', () => {
    for (const hex of [SEND_V2_JSON, SEND_V2_ROCKETMQ]) {
      const cmd = decodeFrameHex(hex);
      expect(decodeSendHeader(cmd.code, cmd.extFields)).toEqual({
        ...PRODUCER,
        unitMode: undefined,
        maxReconsumeTimes: undefined,
      });
    }
    for (const hex of [SEND_V1_JSON, SEND_V1_ROCKETMQ]) {
      const cmd = decodeFrameHex(hex);
      expect(decodeSendHeader(cmd.code, cmd.extFields)).toMatchObject({
        producerGroup: 'PG',
        queueId: 1,
        bornTimestamp: 1_700_000_000_000,
        batch: false,
      });
    }
    const back = decodeFrameHex(SEND_BACK_JSON);
    expect(decodeSendHeader(back.code, back.extFields)).toMatchObject({
      reconsumeTimes: 2,
      maxReconsumeTimes: 16,
      sysFlag: 1,
    });
  });

  it("reads ali-ons' golden send, whose numbers and booleans were JSON", () => {
    const cmd = decodeGoldenFixture('ali-ons-send-message-v2.json');
    // The producer's fields but its group and properties, and no unitMode: it is not read.
    expect(decodeSendHeader(cmd.code, cmd.extFields)).toEqual({
      ...PRODUCER,
      producerGroup: 'PID_GOLDEN',
      properties: 'TAGS\u0001TagA\u0002KEYS\u0001order-1 order-2\u0002color\u0001红\u0002',
      unitMode: undefined,
      maxReconsumeTimes: undefined,
    });
  });

  it('fills Java defaults for absent optionals', () => {
    const before = Date.now();
    const h = decodeSendHeader(RequestCode.SEND_MESSAGE_V2, { a: 'PG', b: 'T', e: '0' });
    expect(h).toMatchObject({
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      sysFlag: 0,
      flag: 0,
      reconsumeTimes: 0,
      batch: false,
      properties: undefined,
    });
    expect(h.bornTimestamp).toBeGreaterThanOrEqual(before);
  });

  it('answers SYSTEM_ERROR naming the missing required field, in the key set of the code', () => {
    const v2 = validationError(() =>
      decodeSendHeader(RequestCode.SEND_BATCH_MESSAGE, { a: 'PG', e: '0' }),
    );
    expect(v2.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(v2.remark).toContain("'b'");
    const v1 = validationError(() =>
      decodeSendHeader(RequestCode.SEND_MESSAGE, { producerGroup: 'PG', topic: 'T' }),
    );
    expect(v1.remark).toContain("'queueId'");
  });

  it('refuses bad values: not a number, an int past 32 bits, a boolean that is neither', () => {
    const ok = { a: 'PG', b: 'T', e: '0' };
    expect(validationError(() => decodeSendHeader(310, { ...ok, e: 'x' })).remark).toContain("'e'");
    expect(
      validationError(() => decodeSendHeader(310, { ...ok, j: String(2 ** 40) })).remark,
    ).toContain('32-bit');
    expect(validationError(() => decodeSendHeader(310, { ...ok, m: 'yes' })).remark).toContain(
      "'m'",
    );
  });

  it('tells the V2 codes from SEND_MESSAGE', () => {
    expect(isV2SendCode(RequestCode.SEND_MESSAGE_V2)).toBe(true);
    expect(isV2SendCode(RequestCode.SEND_BATCH_MESSAGE)).toBe(true);
    expect(isV2SendCode(RequestCode.SEND_MESSAGE)).toBe(false);
  });
});

describe('decodeSendResponseHeader', () => {
  it('reads the golden response; TRACE_ON is on unless it says false', () => {
    const res = decodeFrameHex(SEND_RESPONSE_JSON);
    expect(decodeSendResponseHeader(res.extFields)).toEqual({
      msgId: '7F00000100002A9F0000000000000000',
      queueId: 3,
      queueOffset: 42,
      transactionId: '7F000001000118B4AAC2000000000000',
      regionId: 'DefaultRegion',
      traceOn: true,
    });
    const bare = { msgId: 'M', queueId: '0', queueOffset: '1' };
    expect(decodeSendResponseHeader(bare).traceOn).toBe(true);
    expect(decodeSendResponseHeader({ ...bare, TRACE_ON: 'false' }).traceOn).toBe(false);
    expect(
      validationError(() => decodeSendResponseHeader({ msgId: 'M', queueId: '0' })).remark,
    ).toContain("'queueOffset'");
  });
});
