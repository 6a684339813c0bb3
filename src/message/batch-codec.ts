// SEND_BATCH_MESSAGE body (MessageDecoder#encodeMessage / #decodeMessages; spec part 1 §4.6):
//   totalSize int32 | magic int32 (0) | bodyCRC int32 (0) | flag int32 |
//   bodyLen int32 | body | propsLen int16 | properties
import { decodeProperties, encodeProperties } from './properties-codec.js';

export interface BatchItem {
  flag: number;
  body: Buffer;
  properties: Record<string, string>;
}

export function encodeBatch(items: readonly BatchItem[]): Buffer {
  const parts: Buffer[] = [];
  for (const it of items) {
    const props = Buffer.from(encodeProperties(it.properties), 'utf8');
    const size = 22 + it.body.length + props.length;
    const b = Buffer.allocUnsafe(size);
    let p = b.writeInt32BE(size, 0);
    p = b.writeInt32BE(0, p);
    p = b.writeInt32BE(0, p);
    p = b.writeInt32BE(it.flag, p);
    p = b.writeInt32BE(it.body.length, p);
    p += it.body.copy(b, p);
    p = b.writeInt16BE(props.length, p);
    props.copy(b, p);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/**
 * One item of the layout above from an already encoded properties string; a batch body is the
 * items one after another, so a caller can encode each message once, as it arrives.
 */
export function encodeBatchItem(flag: number, body: Buffer, properties: string): Buffer {
  const propsLength = Buffer.byteLength(properties, 'utf8');
  const size = 22 + body.length + propsLength;
  const b = Buffer.allocUnsafe(size);
  let p = b.writeInt32BE(size, 0);
  p = b.writeInt32BE(0, p);
  p = b.writeInt32BE(0, p);
  p = b.writeInt32BE(flag, p);
  p = b.writeInt32BE(body.length, p);
  p += body.copy(b, p);
  p = b.writeInt16BE(propsLength, p);
  b.write(properties, p, 'utf8');
  return b;
}

/** Throws RangeError with a precise reason when the body is malformed. */
export function decodeBatch(body: Buffer): BatchItem[] {
  const out: BatchItem[] = [];
  let p = 0;
  while (p < body.length) {
    if (body.length - p < 22) throw new RangeError(`batch item at ${p} is truncated`);
    const size = body.readInt32BE(p);
    if (size < 22 || p + size > body.length) {
      throw new RangeError(`batch item at ${p} declares size ${size}, ${body.length - p} left`);
    }
    const flag = body.readInt32BE(p + 12);
    const bodyLength = body.readInt32BE(p + 16);
    if (bodyLength < 0 || 22 + bodyLength > size) {
      throw new RangeError(`batch item at ${p} has body length ${bodyLength} beyond its size`);
    }
    const itemBody = body.subarray(p + 20, p + 20 + bodyLength);
    const propsLength = body.readInt16BE(p + 20 + bodyLength);
    if (propsLength < 0 || 22 + bodyLength + propsLength !== size) {
      throw new RangeError(`batch item at ${p} has inconsistent lengths`);
    }
    const propsStart = p + 22 + bodyLength;
    const properties = decodeProperties(
      body.toString('utf8', propsStart, propsStart + propsLength),
    );
    out.push({ flag, body: itemBody, properties });
    p += size;
  }
  return out;
}
