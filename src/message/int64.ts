// 64-bit big-endian integers as JS numbers, without BigInt: offsets, timestamps and tag codes are
// safe integers, and the BigInt conversions cost more than the rest of a record's encoding.
const TWO_32 = 2 ** 32;

/** Writes a safe integer (negative too, two's complement) at `pos`; returns pos + 8. */
export function writeInt64BE(b: Buffer, v: number, pos: number): number {
  const hi = Math.floor(v / TWO_32);
  b.writeInt32BE(hi, pos);
  b.writeUInt32BE(v - hi * TWO_32, pos + 4);
  return pos + 8;
}

/** Reads a signed 64-bit value: exact within ±2^53, else the nearest double (as Number(BigInt)). */
export function readInt64BE(b: Buffer, pos: number): number {
  return b.readInt32BE(pos) * TWO_32 + b.readUInt32BE(pos + 4);
}
