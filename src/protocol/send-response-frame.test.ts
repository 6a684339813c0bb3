// readSendResponseAt against the general decode: the same code, remark, msgId, queueId and
// queueOffset as decodeCommand + sendResponseOf for every golden and generated send answer, in
// both header types, wherever the frame sits in its buffer; the same ProtocolError on a
// truncated binary header.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../common/errors.js';
import { encodeSendResponseHeader } from './headers/send.js';
import {
  createResponse,
  createResponseWithFields,
  decodeCommand,
  type ExtFields,
  encodeCommand,
  SerializeType,
  type SerializeTypeValue,
} from './remoting-command.js';
import { rocketMQResponseOpaque } from './rocketmq-header.js';
import { emptySendResponse, readSendResponseAt, sendResponseOf } from './send-response-frame.js';

function goldenFrame(name: string): Buffer {
  const { hex } = JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8'));
  return Buffer.from(hex as string, 'hex').subarray(4); // without the length prefix
}

/** The frame at an offset inside a larger buffer, bytes before and after it. */
function embedded(frame: Buffer): { b: Buffer; start: number; end: number } {
  const b = Buffer.concat([Buffer.from('junk-before'), frame, Buffer.from('after')]);
  return { b, start: 11, end: 11 + frame.length };
}

function both(frame: Buffer) {
  const { b, start, end } = embedded(frame);
  return {
    inPlace: readSendResponseAt(b, start, end, emptySendResponse()),
    decoded: sendResponseOf(decodeCommand(frame), emptySendResponse()),
  };
}

function answer(type: SerializeTypeValue, ext: ExtFields, code = 0, remark?: string): Buffer {
  const request = { opaque: 77, serializeType: type };
  return encodeCommand(createResponseWithFields(request, code, remark, ext)).subarray(4);
}

const SUCCESS = encodeSendResponseHeader({
  msgId: '7F00000100002A9F0000000000001F40',
  queueId: 5,
  queueOffset: 123_456_789_012,
  transactionId: 'AC11000100002A9F0000000000000001',
  MSG_REGION: 'DefaultRegion',
  TRACE_ON: true,
});

describe('readSendResponseAt', () => {
  it('reads the Java binary send response golden as the general decode does', () => {
    const { inPlace, decoded } = both(goldenFrame('java-binary-send-response.json'));
    expect(inPlace).toEqual(decoded);
    expect(inPlace).toEqual({
      code: 0,
      remark: undefined,
      msgId: '7F00000100002A9F0000000000001F40',
      queueId: 3,
      queueOffset: 42,
    });
  });

  it('reads an error answer with a UTF-8 remark and no fields', () => {
    const { inPlace, decoded } = both(goldenFrame('java-binary-error-remark.json'));
    expect(inPlace).toEqual(decoded);
    expect(inPlace.code).toBe(17);
    expect(inPlace.remark).toBe('topic[订单] not exist, apply first please!');
    expect(inPlace.msgId).toBe('');
    expect(inPlace.queueId).toBeNaN();
  });

  it.each([
    ['ROCKETMQ', SerializeType.ROCKETMQ],
    ['JSON', SerializeType.JSON],
  ] as const)('reads a %s header as the general decode does', (_name, type) => {
    const cases: ExtFields[] = [
      SUCCESS,
      { ...SUCCESS, queueOffset: '-1' },
      { ...SUCCESS, queueOffset: '9007199254740993' }, // past 15 digits: through Number()
      { ...SUCCESS, queueId: ' 7', queueOffset: '1e3' }, // what Number() makes of odd text
      { ...SUCCESS, queueId: 'x' },
      { msgId: 'a,b', queueId: '0' }, // a batch's joined ids, no offset
      { msgId: '订单' },
      {},
    ];
    for (const ext of cases) {
      const { inPlace, decoded } = both(answer(type, ext));
      expect(inPlace, JSON.stringify(ext)).toEqual(decoded);
    }
    const busy = both(answer(type, {}, 2, 'too many requests'));
    expect(busy.inPlace).toEqual(busy.decoded);
    expect(busy.inPlace).toMatchObject({ code: 2, remark: 'too many requests' });
  });

  it('takes the last of a repeated field and skips empty values, as decodeCommand does', () => {
    const head = answer(SerializeType.ROCKETMQ, { queueId: '1' });
    // Append a second queueId and an empty msgId to the binary extFields by hand.
    const extra = Buffer.concat([field('queueId', '9'), field('msgId', '')]);
    const frame = withExtraFields(head, extra);
    const { inPlace, decoded } = both(frame);
    expect(inPlace).toEqual(decoded);
    expect(inPlace.queueId).toBe(9);
    expect(inPlace.msgId).toBe('');
  });

  it('throws ProtocolError wherever a binary header is cut, as decodeCommand does', () => {
    const frame = goldenFrame('java-binary-send-response.json');
    const headerLength = frame.readInt32BE(0) & 0xffffff;
    for (let cut = 0; cut < headerLength; cut++) {
      const bad = Buffer.from(frame.subarray(0, 4 + cut));
      bad.writeInt32BE((1 << 24) | cut, 0);
      // The bytes cut off follow in the buffer: a read past the header's end would find them.
      const b = Buffer.concat([bad, frame.subarray(4 + cut)]);
      const [start, end] = [0, bad.length];
      expect(() => decodeCommand(bad), `cut ${cut}`).toThrow(ProtocolError);
      expect(() => readSendResponseAt(b, start, end, emptySendResponse())).toThrow(ProtocolError);
    }
  });
});

describe('rocketMQResponseOpaque', () => {
  it('gives the opaque of a binary response only', () => {
    const bin = embedded(answer(SerializeType.ROCKETMQ, SUCCESS));
    expect(rocketMQResponseOpaque(bin.b, bin.start, bin.end)).toBe(77);
    const json = embedded(answer(SerializeType.JSON, SUCCESS));
    expect(rocketMQResponseOpaque(json.b, json.start, json.end)).toBeUndefined();
    const request = { ...createResponse({ opaque: 5 }, 0), flag: 0, serializeType: 1 as const };
    const req = embedded(encodeCommand(request).subarray(4));
    expect(rocketMQResponseOpaque(req.b, req.start, req.end)).toBeUndefined();
    expect(rocketMQResponseOpaque(bin.b, bin.start, bin.start + 20)).toBeUndefined();
  });
});

function field(k: string, v: string): Buffer {
  const kb = Buffer.from(k);
  const vb = Buffer.from(v);
  const out = Buffer.alloc(2 + kb.length + 4 + vb.length);
  out.writeInt16BE(kb.length, 0);
  kb.copy(out, 2);
  out.writeInt32BE(vb.length, 2 + kb.length);
  vb.copy(out, 6 + kb.length);
  return out;
}

/** A binary frame (no prefix, no remark, no body) with `extra` appended to its extFields. */
function withExtraFields(frame: Buffer, extra: Buffer): Buffer {
  const headerLength = frame.readInt32BE(0) & 0xffffff;
  const out = Buffer.concat([frame.subarray(0, 4 + headerLength), extra]);
  out.writeInt32BE((1 << 24) | (headerLength + extra.length), 0);
  const extAt = 4 + 17 + out.readInt32BE(4 + 13); // past the remark
  out.writeInt32BE(out.readInt32BE(extAt) + extra.length, extAt);
  return out;
}
