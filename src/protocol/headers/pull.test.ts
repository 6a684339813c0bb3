// Pull header codec (PullMessageRequestHeader, PullMessageResponseHeader, PullSysFlag): golden
// frames as the push consumer sent them before the codec existed (JSON and ROCKETMQ), ali-ons'
// recorded pull decoded, and missing or bad fields refused with the field named.
import { describe, expect, it } from 'vitest';
import {
  decodeFrameHex,
  decodeGoldenFixture,
  frameHexes,
  validationError,
} from '../../../test/harness/header-golden.js';
import { createRequestWithFields, createResponseWithFields } from '../remoting-command.js';
import { RequestCode } from '../request-code.js';
import { ResponseCode } from '../response-code.js';
import {
  buildPullSysFlag,
  decodePullHeader,
  decodePullResponseHeader,
  encodePullHeader,
  encodePullResponseHeader,
  type PullMessageRequestHeader,
  PullSysFlag,
} from './pull.js';

const PULL_JSON = [
  '00000165000001617b22636f6465223a31312c226578744669656c6473223a7b22636f6e73756d65',
  '7247726f7570223a224347222c22746f706963223a22546f70696354657374222c22717565756549',
  '64223a2232222c2271756575654f6666736574223a2231303234222c226d61784d73674e756d7322',
  '3a223332222c22737973466c6167223a2237222c22636f6d6d69744f6666736574223a2231303030',
  '222c2273757370656e6454696d656f75744d696c6c6973223a223135303030222c22737562736372',
  '697074696f6e223a2254616741207c7c2054616742222c2273756256657273696f6e223a22313730',
  '30303030303030303033222c2265787072657373696f6e54797065223a22544147227d2c22666c61',
  '67223a302c226c616e6775616765223a224a415641222c226f7061717565223a392c227365726961',
  '6c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e223a343739',
  '7d',
].join('');

const PULL_ROCKETMQ = [
  '0000010c01000108000b0001df000000090000000000000000000000f3000d636f6e73756d657247',
  '726f75700000000243470005746f70696300000009546f7069635465737400077175657565496400',
  '00000132000b71756575654f66667365740000000431303234000a6d61784d73674e756d73000000',
  '0233320007737973466c61670000000137000c636f6d6d69744f6666736574000000043130303000',
  '1473757370656e6454696d656f75744d696c6c6973000000053135303030000c7375627363726970',
  '74696f6e0000000c54616741207c7c2054616742000a73756256657273696f6e0000000d31373030',
  '303030303030303033000e65787072657373696f6e5479706500000003544147',
].join('');

const PULL_RESPONSE_JSON = [
  '000000c8000000c47b22636f6465223a302c226578744669656c6473223a7b227375676765737457',
  '6869636842726f6b65724964223a2230222c226e657874426567696e4f6666736574223a22313035',
  '36222c226d696e4f6666736574223a2230222c226d61784f6666736574223a2232303438227d2c22',
  '666c6167223a312c226c616e6775616765223a224a415641222c226f7061717565223a392c227365',
  '7269616c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e223a',
  '3437397d',
].join('');

/** A push consumer's long-polling pull that commits 1000 on the way. */
const PUSH: PullMessageRequestHeader = {
  consumerGroup: 'CG',
  topic: 'TopicTest',
  queueId: 2,
  queueOffset: 1024,
  maxMsgNums: 32,
  sysFlag: buildPullSysFlag({ commitOffset: true, suspend: true, subscription: true }),
  commitOffset: 1000,
  suspendTimeoutMillis: 15_000,
  subscription: 'TagA || TagB',
  subVersion: 1_700_000_000_003,
  expressionType: 'TAG',
};

/** A lite pull leaves out commitOffset, subVersion and expressionType. */
const LITE: PullMessageRequestHeader = {
  consumerGroup: 'CG',
  topic: 'T',
  queueId: 0,
  queueOffset: 0,
  maxMsgNums: 8,
  sysFlag: 0,
  suspendTimeoutMillis: 0,
  subscription: '*',
};

describe('PullSysFlag', () => {
  it("has RocketMQ's bits, and buildPullSysFlag ORs them", () => {
    expect(PullSysFlag).toEqual({
      COMMIT_OFFSET: 1,
      SUSPEND: 2,
      SUBSCRIPTION: 4,
      CLASS_FILTER: 8,
      LITE_PULL: 16,
    });
    const f = (commitOffset: boolean, suspend: boolean, subscription: boolean) =>
      buildPullSysFlag({ commitOffset, suspend, subscription });
    expect(f(false, false, false)).toBe(0);
    expect(f(true, false, false)).toBe(1);
    expect(f(false, true, false)).toBe(2);
    expect(f(false, false, true)).toBe(4);
    expect(f(true, true, true)).toBe(7);
    expect(
      buildPullSysFlag({
        commitOffset: false,
        suspend: true,
        subscription: true,
        classFilter: true,
      }),
    ).toBe(14);
  });
});

describe('encodePullHeader: golden frames', () => {
  it('the push consumer pull, JSON and ROCKETMQ', () => {
    const cmd = {
      ...createRequestWithFields(RequestCode.PULL_MESSAGE, encodePullHeader(PUSH)),
      opaque: 9,
    };
    expect(frameHexes(cmd)).toEqual({ json: PULL_JSON, rocketmq: PULL_ROCKETMQ });
  });

  it('leaves out undefined optionals, in field order, all strings', () => {
    const ext = encodePullHeader(LITE);
    expect(ext).toEqual({
      consumerGroup: 'CG',
      topic: 'T',
      queueId: '0',
      queueOffset: '0',
      maxMsgNums: '8',
      sysFlag: '0',
      suspendTimeoutMillis: '0',
      subscription: '*',
    });
    expect(Object.keys(encodePullHeader(PUSH))).toEqual(Object.keys(PUSH));
  });

  it('the pull response', () => {
    const ext = encodePullResponseHeader({
      suggestWhichBrokerId: 0,
      nextBeginOffset: 1056,
      minOffset: 0,
      maxOffset: 2048,
    });
    const res = createResponseWithFields({ opaque: 9 }, ResponseCode.SUCCESS, undefined, ext);
    expect(frameHexes(res).json).toBe(PULL_RESPONSE_JSON);
  });
});

describe('decodePullHeader', () => {
  it('reads back the golden frames', () => {
    for (const hex of [PULL_JSON, PULL_ROCKETMQ]) {
      expect(decodePullHeader(decodeFrameHex(hex).extFields)).toEqual(PUSH);
    }
  });

  it("reads ali-ons' recorded pull (JSON numbers), defaulting expressionType to TAG", () => {
    expect(decodePullHeader(decodeGoldenFixture('ali-ons-pull-message.json').extFields)).toEqual({
      consumerGroup: 'CID_GOLDEN',
      topic: 'TopicTest',
      queueId: 2,
      queueOffset: 1024,
      maxMsgNums: 32,
      sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMillis: 15_000,
      subscription: 'TagA || TagB',
      subVersion: 1_700_000_000_003,
      expressionType: 'TAG',
    });
  });

  it('fills the defaults of a lite pull', () => {
    const { suspendTimeoutMillis, subscription, ...required } = LITE;
    const h = decodePullHeader({ ...encodePullHeader(required), expressionType: '' });
    expect([suspendTimeoutMillis, subscription]).toEqual([0, '*']);
    expect(h).toMatchObject({
      commitOffset: 0,
      suspendTimeoutMillis: 15_000,
      subscription: undefined,
      subVersion: 0,
      expressionType: 'TAG',
    });
  });

  it('names a missing required field and a bad value', () => {
    const { sysFlag, ...noFlag } = encodePullHeader(PUSH);
    const err = validationError(() => decodePullHeader(noFlag));
    expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(err.remark).toContain("'sysFlag'");
    const bad = validationError(() =>
      decodePullHeader({ ...encodePullHeader(PUSH), queueOffset: '1e3' }),
    );
    expect(bad.remark).toContain("'queueOffset'");
    expect(sysFlag).toBe('7');
  });
});

describe('decodePullResponseHeader', () => {
  it('reads the golden response; suggestWhichBrokerId defaults to the master', () => {
    const ext = decodeFrameHex(PULL_RESPONSE_JSON).extFields;
    expect(decodePullResponseHeader(ext)).toEqual({
      suggestWhichBrokerId: 0,
      nextBeginOffset: 1056,
      minOffset: 0,
      maxOffset: 2048,
    });
    const { suggestWhichBrokerId, ...rest } = ext;
    expect(decodePullResponseHeader(rest).suggestWhichBrokerId).toBe(0);
    expect(suggestWhichBrokerId).toBe('0');
    const { nextBeginOffset, ...noNext } = ext;
    expect(validationError(() => decodePullResponseHeader(noNext)).remark).toContain(
      "'nextBeginOffset'",
    );
    expect(nextBeginOffset).toBe('1056');
  });
});
