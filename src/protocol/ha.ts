// The classic master/slave replication wire (DefaultHAService, DefaultHAConnection,
// DefaultHAClient): raw TCP on haListenPort, big-endian, no framing beyond fixed sizes.
//   slave → master: an 8-byte commit-log offset, the slave's end (its report, and its ack).
//   master → slave: a 12-byte header, 8-byte start offset + 4-byte body size, then that many
//                   commit-log bytes; size 0 is a heartbeat whose offset is the next to send.
// KiteMQ's opt-in authentication (haAuthToken) puts one exchange in front, which a Java peer never
// sees because it is only used when both ends are configured with the token:
//   master → slave: "KMQH", version 1 (4 bytes), a 16-byte nonce             (24 bytes)
//   slave → master: "KMQR", HMAC-SHA256(token, nonce ‖ "kitemq-ha-slave")    (36 bytes)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readInt64BE, writeInt64BE } from '../message/int64.js';

export const HA_REPORT_BYTES = 8;
export const HA_TRANSFER_HEADER_BYTES = 12;
export const HA_CHALLENGE_MAGIC = 0x4b4d5148; // "KMQH"
export const HA_RESPONSE_MAGIC = 0x4b4d5152; // "KMQR"
export const HA_AUTH_VERSION = 1;
export const HA_NONCE_BYTES = 16;
export const HA_CHALLENGE_BYTES = 4 + 4 + HA_NONCE_BYTES;
export const HA_RESPONSE_BYTES = 4 + 32;
const HMAC_CONTEXT = 'kitemq-ha-slave';

/** The slave's report: its max physical offset. */
export function encodeSlaveReport(offset: number): Buffer {
  const b = Buffer.allocUnsafe(HA_REPORT_BYTES);
  writeInt64BE(b, offset, 0);
  return b;
}

/** A transfer header; `bodySize` 0 is a heartbeat. */
export function encodeTransferHeader(offset: number, bodySize: number): Buffer {
  const b = Buffer.allocUnsafe(HA_TRANSFER_HEADER_BYTES);
  writeInt64BE(b, offset, 0);
  b.writeInt32BE(bodySize, 8);
  return b;
}

/**
 * The master's reading of a slave's stream: only whole 8-byte reports count, and of several
 * arrived together only the last (DefaultHAConnection's ReadSocketService does the same).
 */
export class SlaveReportReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the newest complete report, or undefined when none completed. */
  push(chunk: Buffer): number | undefined {
    const all = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const whole = all.length - (all.length % HA_REPORT_BYTES);
    this.pending = Buffer.from(all.subarray(whole));
    if (whole === 0) return undefined;
    return readInt64BE(all, whole - HA_REPORT_BYTES);
  }
}

export interface TransferFrame {
  /** Physical offset of the body's first byte (for a heartbeat: the next offset to be sent). */
  readonly offset: number;
  /** Commit-log bytes; empty for a heartbeat. */
  readonly body: Buffer;
}

/** Frames larger than this are a broken or hostile peer, not a transfer (RocketMQ reads 4 MiB). */
export const HA_MAX_TRANSFER_BODY = 64 * 1024 * 1024;

export class HaProtocolError extends Error {}

/** The slave's reading of a master's stream: whole frames, in order. */
export class TransferReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Feeds bytes; returns the frames completed by them. Throws HaProtocolError on a bad size. */
  push(chunk: Buffer): TransferFrame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: TransferFrame[] = [];
    for (;;) {
      if (this.buffered < HA_TRANSFER_HEADER_BYTES) break;
      const head = this.peek(HA_TRANSFER_HEADER_BYTES);
      const size = head.readInt32BE(8);
      if (size < 0 || size > HA_MAX_TRANSFER_BODY) {
        throw new HaProtocolError(`transfer header announces ${size} bytes`);
      }
      if (this.buffered < HA_TRANSFER_HEADER_BYTES + size) break;
      const all = this.take(HA_TRANSFER_HEADER_BYTES + size);
      frames.push({
        offset: readInt64BE(all, 0),
        body: all.subarray(HA_TRANSFER_HEADER_BYTES),
      });
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }
}

export function encodeAuthChallenge(nonce: Buffer): Buffer {
  if (nonce.length !== HA_NONCE_BYTES) throw new RangeError('the nonce is 16 bytes');
  const b = Buffer.allocUnsafe(HA_CHALLENGE_BYTES);
  b.writeUInt32BE(HA_CHALLENGE_MAGIC, 0);
  b.writeInt32BE(HA_AUTH_VERSION, 4);
  nonce.copy(b, 8);
  return b;
}

/** The nonce of a challenge, or undefined when the bytes are not one. */
export function decodeAuthChallenge(b: Buffer): Buffer | undefined {
  if (b.length < HA_CHALLENGE_BYTES) return undefined;
  if (b.readUInt32BE(0) !== HA_CHALLENGE_MAGIC || b.readInt32BE(4) !== HA_AUTH_VERSION) {
    return undefined;
  }
  return Buffer.from(b.subarray(8, HA_CHALLENGE_BYTES));
}

function authMac(token: string, nonce: Buffer): Buffer {
  return createHmac('sha256', token).update(nonce).update(HMAC_CONTEXT).digest();
}

export function encodeAuthResponse(token: string, nonce: Buffer): Buffer {
  const b = Buffer.allocUnsafe(HA_RESPONSE_BYTES);
  b.writeUInt32BE(HA_RESPONSE_MAGIC, 0);
  authMac(token, nonce).copy(b, 4);
  return b;
}

/** Whether the first HA_RESPONSE_BYTES of `b` answer `nonce` with `token`. */
export function verifyAuthResponse(token: string, nonce: Buffer, b: Buffer): boolean {
  if (b.length < HA_RESPONSE_BYTES || b.readUInt32BE(0) !== HA_RESPONSE_MAGIC) return false;
  return timingSafeEqual(b.subarray(4, HA_RESPONSE_BYTES), authMac(token, nonce));
}
