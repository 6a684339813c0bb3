// CONSUMER_SEND_MSG_BACK header codec: the golden frame as the push consumer sent it before the
// codec existed (JSON and ROCKETMQ), decoded back, and refusals naming the field.
import { describe, expect, it } from 'vitest';
import {
  decodeFrameHex,
  frameHexes,
  validationError,
} from '../../../test/harness/header-golden.js';
import { createRequestWithFields } from '../remoting-command.js';
import { RequestCode } from '../request-code.js';
import { ResponseCode } from '../response-code.js';
import {
  type ConsumerSendMsgBackRequestHeader,
  decodeSendMsgBackHeader,
  encodeSendMsgBackHeader,
} from './consumer-send-msg-back.js';

const MSG_BACK = {
  json: [
    '0000011a000001167b22636f6465223a33362c226578744669656c6473223a7b226f666673657422',
    '3a22313233343536222c2267726f7570223a224347222c2264656c61794c6576656c223a2230222c',
    '226f726967696e4d73674964223a2237463030303030313030303032413946303030303030303030',
    '30303145323430222c226f726967696e546f706963223a22546f70696354657374222c22756e6974',
    '4d6f6465223a2266616c7365222c226d61785265636f6e73756d6554696d6573223a223136227d2c',
    '22666c6167223a302c226c616e6775616765223a224a415641222c226f7061717565223a31362c22',
    '73657269616c697a655479706543757272656e74525043223a224a534f4e222c2276657273696f6e',
    '223a3437397d',
  ].join(''),
  rocketmq: [
    '000000c0010000bc00240001df000000100000000000000000000000a700066f6666736574000000',
    '06313233343536000567726f7570000000024347000a64656c61794c6576656c0000000130000b6f',
    '726967696e4d73674964000000203746303030303031303030303241394630303030303030303030',
    '303145323430000b6f726967696e546f70696300000009546f706963546573740008756e69744d6f',
    '64650000000566616c736500116d61785265636f6e73756d6554696d6573000000023136',
  ].join(''),
};

const BACK: ConsumerSendMsgBackRequestHeader = {
  offset: 123_456,
  group: 'CG',
  delayLevel: 0,
  originMsgId: '7F00000100002A9F000000000001E240',
  originTopic: 'TopicTest',
  unitMode: false,
  maxReconsumeTimes: 16,
};

describe('CONSUMER_SEND_MSG_BACK header', () => {
  it('golden frames, and back (unitMode is not read)', () => {
    const cmd = {
      ...createRequestWithFields(RequestCode.CONSUMER_SEND_MSG_BACK, encodeSendMsgBackHeader(BACK)),
      opaque: 16,
    };
    expect(frameHexes(cmd)).toEqual({ json: MSG_BACK.json, rocketmq: MSG_BACK.rocketmq });
    const { unitMode, ...read } = BACK;
    for (const hex of Object.values(MSG_BACK)) {
      expect(decodeSendMsgBackHeader(decodeFrameHex(hex).extFields)).toEqual(read);
    }
    expect(unitMode).toBe(false);
  });

  it('leaves out undefined optionals', () => {
    expect(encodeSendMsgBackHeader({ offset: 1, group: 'G', delayLevel: -1 })).toEqual({
      offset: '1',
      group: 'G',
      delayLevel: '-1',
    });
  });

  it('names a missing required field; refuses an int past 32 bits', () => {
    const err = validationError(() => decodeSendMsgBackHeader({ offset: '1', delayLevel: '0' }));
    expect(err.responseCode).toBe(ResponseCode.SYSTEM_ERROR);
    expect(err.remark).toContain("'group'");
    const big = { offset: '1', group: 'G', delayLevel: String(2 ** 33) };
    expect(validationError(() => decodeSendMsgBackHeader(big)).remark).toContain('32-bit');
    const bad = { offset: 'one', group: 'G', delayLevel: '0' };
    expect(validationError(() => decodeSendMsgBackHeader(bad)).remark).toContain("'offset'");
  });
});
