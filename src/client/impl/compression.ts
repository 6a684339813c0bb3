// Message body compression, both ways. Sending (DefaultMQProducerImpl#tryToCompressMessage): a
// body of compressMsgBodyOverHowmuch bytes or more is zlib-deflated and flagged COMPRESSED, with
// the codec in sysFlag bits 8-10 (MessageSysFlag.COMPRESSION_ZLIB_TYPE, RocketMQ 5). Receiving
// (MessageDecoder#deCompressBody): 0 or 3 is zlib, 2 zstd where this runtime has it (1 is LZ4,
// which it has not); a body that cannot be inflated is reported as such, not thrown.
import * as zlib from 'node:zlib';
import { MessageSysFlag } from '../../message/message.js';

export const COMPRESSION_TYPE_MASK = 0x7 << 8;
export const COMPRESSION_ZLIB_TYPE = 0x3 << 8;
/** zlib.zstdDecompressSync exists from Node 22.15 / 23.8 on. */
const zstd = (zlib as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;

/** The body to send and its sysFlag: deflated from `overBytes` bytes on. */
export function compressBody(
  body: Buffer,
  overBytes: number,
  level: number,
): { body: Buffer; sysFlag: number } {
  if (body.length < overBytes) return { body, sysFlag: 0 };
  return {
    body: zlib.deflateSync(body, { level }),
    sysFlag: MessageSysFlag.COMPRESSED | COMPRESSION_ZLIB_TYPE,
  };
}

/** The plain body of a COMPRESSED record; undefined when damaged or of an unknown codec. */
export function inflateBody(body: Buffer, sysFlag: number): Buffer | undefined {
  const type = (sysFlag & COMPRESSION_TYPE_MASK) >> 8;
  try {
    if (type === 0 || type === 3) return zlib.inflateSync(body);
    if (type === 2 && zstd) return zstd(body);
  } catch {
    // damaged: the caller delivers it as stored
  }
  return undefined;
}
