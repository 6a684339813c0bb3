// Stored records as the application sees them (MessageDecoder#decodes with deCompressBody): a body
// the producer compressed (sysFlag COMPRESSED, zlib) is inflated and the flag cleared, so the
// message is plain from here on (a send-back copies it as it is).
import { inflateSync } from 'node:zlib';
import { type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';

export function decodeMessages(body: Buffer): MessageExt[] {
  const msgs = decodeRecords(body);
  for (const m of msgs) {
    if ((m.sysFlag & MessageSysFlag.COMPRESSED) === 0) continue;
    m.body = inflateSync(m.body);
    m.sysFlag &= ~MessageSysFlag.COMPRESSED;
  }
  return msgs;
}
