// Stored records as the application sees them (MessageDecoder#decodes with deCompressBody): a body
// the producer compressed (sysFlag COMPRESSED) is inflated and the flag cleared, so the message
// is plain from here on (a send-back copies it as it is). A body this runtime cannot inflate
// (see compression.ts), or a damaged one, is handed over as stored with the flag kept, rather
// than stalling its queue.
import { type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';
import { COMPRESSION_TYPE_MASK, inflateBody } from './compression.js';

export function decodeMessages(body: Buffer): MessageExt[] {
  const msgs = decodeRecords(body);
  for (const m of msgs) {
    if ((m.sysFlag & MessageSysFlag.COMPRESSED) === 0) continue;
    const plain = inflateBody(m.body, m.sysFlag);
    if (!plain) continue;
    m.body = plain;
    m.sysFlag &= ~(MessageSysFlag.COMPRESSED | COMPRESSION_TYPE_MASK);
  }
  return msgs;
}
