// Stored records as the application sees them (MessageDecoder#decodes with deCompressBody): a body
// the producer compressed (sysFlag COMPRESSED) is inflated and the flag cleared, so the message
// is plain from here on (a send-back copies it as it is). Bits 8-10 of sysFlag name the codec
// (RocketMQ 5: 0 or 3 zlib, 1 LZ4, 2 zstd); a body this runtime cannot inflate, or a damaged one,
// is handed over as stored with the flag kept, rather than stalling its queue.
import * as zlib from 'node:zlib';
import { type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';

const COMPRESSION_TYPE_MASK = 0x7 << 8;
/** zlib.zstdDecompressSync exists from Node 22.15 / 23.8 on. */
const zstd = (zlib as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;

function inflate(body: Buffer, sysFlag: number): Buffer | undefined {
  const type = (sysFlag & COMPRESSION_TYPE_MASK) >> 8;
  try {
    if (type === 0 || type === 3) return zlib.inflateSync(body);
    if (type === 2 && zstd) return zstd(body);
  } catch {
    // damaged: deliver it as stored
  }
  return undefined;
}

export function decodeMessages(body: Buffer): MessageExt[] {
  const msgs = decodeRecords(body);
  for (const m of msgs) {
    if ((m.sysFlag & MessageSysFlag.COMPRESSED) === 0) continue;
    const plain = inflate(m.body, m.sysFlag);
    if (!plain) continue;
    m.body = plain;
    m.sysFlag &= ~(MessageSysFlag.COMPRESSED | COMPRESSION_TYPE_MASK);
  }
  return msgs;
}
