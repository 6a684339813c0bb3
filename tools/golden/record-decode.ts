// A stored record KiteMQ encodes (record-codec.ts) and the fields ali-ons' MessageDecoder reads
// from it, decoded directly (no socket).
import { encodeRecord, setRecordPositions } from '../../src/message/record-codec.js';
import { AliMessageDecoder, ByteBuffer } from './ali-ons.js';
import { ALI_ONS_VERSION, write } from './out.js';

export function captureRecordDecode(): void {
  const message = {
    topic: 'TopicTest',
    queueId: 5,
    flag: 7,
    body: Buffer.from('你好，RocketMQ — 订单 😀', 'utf8'),
    properties: { TAGS: '订单', KEYS: 'id-1 id-2', 颜色: '红' },
    sysFlag: 0,
    bornTimestamp: 1700000000000,
    bornHost: '192.168.1.20:50000',
    storeHost: '10.0.0.1:10911',
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
  };
  const rec = encodeRecord(message);
  setRecordPositions(rec.bytes, 0, rec.storeTimestampPos, 17, 123456, 1700000000999);
  const bb = ByteBuffer.allocate(rec.bytes.length).put(rec.bytes).flip();
  const [m] = AliMessageDecoder.decodes(bb);
  if (!m) throw new Error('ali-ons could not decode our record');
  write('record-v1-ipv4.json', {
    description:
      'A v1 IPv4 stored record encoded by KiteMQ and the fields ali-ons MessageDecoder.decodes read from it',
    source: `KiteMQ encodeRecord; decoded by ali-ons ${ALI_ONS_VERSION} lib/message/message_decoder.js`,
    hex: rec.bytes.toString('hex'),
    input: {
      ...message,
      body: undefined,
      bodyUtf8: message.body.toString('utf8'),
      queueOffset: 17,
      commitLogOffset: 123456,
      storeTimestamp: 1700000000999,
    },
    aliOns: {
      msgId: m.msgId,
      topic: m.topic,
      tags: m.tags,
      properties: m.properties,
      bodyUtf8: m.body?.toString('utf8'),
      queueId: m.queueId,
      flag: m.flag,
      queueOffset: m.queueOffset,
      commitLogOffset: m.commitLogOffset,
      sysFlag: m.sysFlag,
      bornTimestamp: m.bornTimestamp,
      bornHost: m.bornHost,
      storeTimestamp: m.storeTimestamp,
      storeHost: m.storeHost,
      reconsumeTimes: m.reconsumeTimes,
      bodyCRC: m.bodyCRC,
      storeSize: rec.bytes.length,
    },
  });
}
