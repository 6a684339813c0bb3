// Offset header codecs: golden frames as the consumers and admin client sent these requests
// before the codecs existed (JSON and ROCKETMQ), ali-ons' recorded UPDATE_CONSUMER_OFFSET decoded,
// and missing or bad fields refused with the field named.
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
  encodeCommand,
} from '../remoting-command.js';
import { RequestCode } from '../request-code.js';
import { ResponseCode } from '../response-code.js';
import {
  decodeOffsetResponseHeader,
  decodeQueryConsumerOffsetHeader,
  decodeSearchOffsetHeader,
  decodeStoreTimeResponseHeader,
  decodeTopicQueueHeader,
  decodeUpdateConsumerOffsetHeader,
  encodeOffsetResponseHeader,
  encodeQueryConsumerOffsetHeader,
  encodeSearchOffsetHeader,
  encodeStoreTimeResponseHeader,
  encodeTopicQueueHeader,
  encodeUpdateConsumerOffsetHeader,
} from './offsets.js';

const UPDATE = {
  json: [
    '000000c0000000bc7b22636f6465223a31352c226578744669656c6473223a7b22636f6e73756d65',
    '7247726f7570223a224347222c22746f706963223a22546f70696354657374222c22717565756549',
    '64223a2231222c22636f6d6d69744f6666736574223a2234303936227d2c22666c6167223a302c22',
    '6c616e6775616765223a224a415641222c226f7061717565223a31312c2273657269616c697a6554',
    '79706543757272656e74525043223a224a534f4e222c2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '0000006601000062000f0001df0000000b00000000000000000000004d000d636f6e73756d657247',
    '726f75700000000243470005746f70696300000009546f7069635465737400077175657565496400',
    '00000131000c636f6d6d69744f66667365740000000434303936',
  ].join(''),
};

const QUERY = {
  json: [
    '000000aa000000a67b22636f6465223a31342c226578744669656c6473223a7b22636f6e73756d65',
    '7247726f7570223a224347222c22746f706963223a22546f70696354657374222c22717565756549',
    '64223a2231227d2c22666c6167223a302c226c616e6775616765223a224a415641222c226f706171',
    '7565223a31322c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c',
    '2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '000000500100004c000e0001df0000000c000000000000000000000037000d636f6e73756d657247',
    '726f75700000000243470005746f70696300000009546f7069635465737400077175657565496400',
    '00000131',
  ].join(''),
};

const GET_MAX = {
  json: [
    '00000095000000917b22636f6465223a33302c226578744669656c6473223a7b22746f706963223a',
    '22546f70696354657374222c2271756575654964223a2231227d2c22666c6167223a302c226c616e',
    '6775616765223a224a415641222c226f7061717565223a31332c2273657269616c697a6554797065',
    '43757272656e74525043223a224a534f4e222c2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '0000003b01000037001e0001df0000000d0000000000000000000000220005746f70696300000009',
    '546f706963546573740007717565756549640000000131',
  ].join(''),
};

const SEARCH = {
  json: [
    '000000b1000000ad7b22636f6465223a32392c226578744669656c6473223a7b22746f706963223a',
    '22546f70696354657374222c2271756575654964223a2231222c2274696d657374616d70223a2231',
    '373030303030303030303030227d2c22666c6167223a302c226c616e6775616765223a224a415641',
    '222c226f7061717565223a31342c2273657269616c697a655479706543757272656e74525043223a',
    '224a534f4e222c2276657273696f6e223a3437397d',
  ].join(''),
  rocketmq: [
    '0000005701000053001d0001df0000000e00000000000000000000003e0005746f70696300000009',
    '546f706963546573740007717565756549640000000131000974696d657374616d700000000d3137',
    '3030303030303030303030',
  ].join(''),
};

const OFFSET_RESPONSE_JSON = [
  '000000820000007e7b22636f6465223a302c226578744669656c6473223a7b226f6666736574223a',
  '2234303936227d2c22666c6167223a312c226c616e6775616765223a224a415641222c226f706171',
  '7565223a31332c2273657269616c697a655479706543757272656e74525043223a224a534f4e222c',
  '2276657273696f6e223a3437397d',
].join('');

const STORE_TIME_RESPONSE_JSON = [
  '0000008e0000008a7b22636f6465223a302c226578744669656c6473223a7b2274696d657374616d',
  '70223a2231373030303030303030303030227d2c22666c6167223a312c226c616e6775616765223a',
  '224a415641222c226f7061717565223a31352c2273657269616c697a655479706543757272656e74',
  '525043223a224a534f4e222c2276657273696f6e223a3437397d',
].join('');

function both(code: number, opaque: number, ext: ExtFields) {
  return frameHexes({ ...createRequestWithFields(code, ext), opaque });
}

const queue = { topic: 'TopicTest', queueId: 1 };
const group = { consumerGroup: 'CG', ...queue };

describe('offset request headers: golden frames', () => {
  it('UPDATE_CONSUMER_OFFSET', () => {
    const h = { ...group, commitOffset: 4096 };
    const ext = encodeUpdateConsumerOffsetHeader(h);
    expect(both(RequestCode.UPDATE_CONSUMER_OFFSET, 11, ext)).toEqual(UPDATE);
    for (const hex of Object.values(UPDATE)) {
      expect(decodeUpdateConsumerOffsetHeader(decodeFrameHex(hex).extFields)).toEqual(h);
    }
  });

  it('QUERY_CONSUMER_OFFSET', () => {
    const ext = encodeQueryConsumerOffsetHeader(group);
    expect(both(RequestCode.QUERY_CONSUMER_OFFSET, 12, ext)).toEqual(QUERY);
    for (const hex of Object.values(QUERY)) {
      expect(decodeQueryConsumerOffsetHeader(decodeFrameHex(hex).extFields)).toEqual(group);
    }
  });

  it('GET_MAX_OFFSET (and GET_MIN_OFFSET, GET_EARLIEST_MSG_STORETIME: the same header)', () => {
    expect(both(RequestCode.GET_MAX_OFFSET, 13, encodeTopicQueueHeader(queue))).toEqual(GET_MAX);
    for (const hex of Object.values(GET_MAX)) {
      expect(decodeTopicQueueHeader(decodeFrameHex(hex).extFields)).toEqual(queue);
    }
  });

  it('SEARCH_OFFSET_BY_TIMESTAMP', () => {
    const h = { ...queue, timestamp: 1_700_000_000_000 };
    expect(both(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, 14, encodeSearchOffsetHeader(h))).toEqual(
      SEARCH,
    );
    for (const hex of Object.values(SEARCH)) {
      expect(decodeSearchOffsetHeader(decodeFrameHex(hex).extFields)).toEqual(h);
    }
  });
});

describe('offset response headers', () => {
  it('offset and timestamp, golden and back', () => {
    const res = (opaque: number, ext: ExtFields) =>
      encodeCommand(createResponseWithFields({ opaque }, ResponseCode.SUCCESS, undefined, ext));
    expect(res(13, encodeOffsetResponseHeader(4096)).toString('hex')).toBe(OFFSET_RESPONSE_JSON);
    expect(res(15, encodeStoreTimeResponseHeader(1_700_000_000_000)).toString('hex')).toBe(
      STORE_TIME_RESPONSE_JSON,
    );
    expect(decodeOffsetResponseHeader(decodeFrameHex(OFFSET_RESPONSE_JSON).extFields)).toBe(4096);
    expect(decodeStoreTimeResponseHeader(decodeFrameHex(STORE_TIME_RESPONSE_JSON).extFields)).toBe(
      1_700_000_000_000,
    );
    expect(decodeOffsetResponseHeader({ offset: '-1' })).toBe(-1);
    expect(validationError(() => decodeOffsetResponseHeader({})).remark).toContain("'offset'");
  });
});

describe('offset headers: decode', () => {
  it("reads ali-ons' recorded UPDATE_CONSUMER_OFFSET", () => {
    expect(
      decodeUpdateConsumerOffsetHeader(
        decodeGoldenFixture('ali-ons-wire-update-consumer-offset.json').extFields,
      ),
    ).toEqual({
      consumerGroup: 'CID_GOLDEN_LIVE',
      topic: 'GoldenTopic',
      queueId: 0,
      commitOffset: 2,
    });
  });

  it('names the missing required field', () => {
    const err = validationError(() =>
      decodeUpdateConsumerOffsetHeader({ consumerGroup: 'G', topic: 'T', queueId: '0' }),
    );
    expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(err.remark).toContain("'commitOffset'");
    expect(
      validationError(() => decodeQueryConsumerOffsetHeader({ topic: 'T', queueId: '0' })).remark,
    ).toContain("'consumerGroup'");
    expect(validationError(() => decodeTopicQueueHeader({ topic: 'T' })).remark).toContain(
      "'queueId'",
    );
    expect(
      validationError(() => decodeSearchOffsetHeader({ topic: 'T', queueId: '0' })).remark,
    ).toContain("'timestamp'");
  });

  it('refuses values that are not decimal integers', () => {
    expect(
      validationError(() => decodeTopicQueueHeader({ topic: 'T', queueId: '0x1' })).remark,
    ).toContain("'queueId'");
    const bad = {
      ...encodeUpdateConsumerOffsetHeader({ ...group, commitOffset: 1 }),
      commitOffset: 'x',
    };
    expect(validationError(() => decodeUpdateConsumerOffsetHeader(bad)).remark).toContain(
      "'commitOffset'",
    );
  });
});
