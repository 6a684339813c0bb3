// The slave's view of the master's transfer stream as whole records. DefaultHAClient's
// dispatchReadRequest appends whatever bytes arrive; the store's raw append takes whole records,
// so the cut a batch may make inside a record waits here for the rest. An end-of-file blank
// becomes its 8-byte header, which is how our log holds it; the padding a Java master sends after
// it, up to the segment's end, is dropped, and a master that sends only the header may jump to
// the next segment's start.
import { BLANK_MAGIC_CODE } from '../../message/message.js';

const BLANK_HEADER_BYTES = 8;

export interface StreamRecord {
  readonly offset: number;
  /** The record, or a blank's 8-byte header. */
  readonly bytes: Buffer;
  readonly blank: boolean;
}

export type StreamPush = { ok: true; records: StreamRecord[] } | { ok: false; reason: string };

export class RecordAssembler {
  /** One past the last stream byte received. */
  private received: number;
  /** Where the next record starts: after a blank, the next segment's start. */
  private recordAt: number;
  private pending: Buffer = Buffer.alloc(0);
  private readonly fileSize: number;
  private readonly maxRecordBytes: number;

  /** `start` undefined: the first frame decides (the slave reported 0; the master chooses). */
  constructor(start: number | undefined, fileSize: number, maxRecordBytes: number) {
    this.received = start ?? -1;
    this.recordAt = start ?? -1;
    this.fileSize = fileSize;
    this.maxRecordBytes = maxRecordBytes;
  }

  /** The offset the stream has reached (whole records and a partial one). */
  get position(): number {
    return this.received;
  }

  /** Where the next whole record starts: everything before it has been handed out. */
  get wholeUpTo(): number {
    return this.recordAt;
  }

  /** Whether a frame (or a heartbeat) at `offset` continues the stream. */
  continues(offset: number): boolean {
    if (this.received < 0) return true;
    return offset === this.received || (this.received < this.recordAt && offset === this.recordAt);
  }

  push(offset: number, body: Buffer): StreamPush {
    if (!this.continues(offset)) {
      return {
        ok: false,
        reason: `master sent offset ${offset}, the stream is at ${this.received}`,
      };
    }
    if (this.received < 0 || (this.received < this.recordAt && offset === this.recordAt)) {
      this.received = offset;
      this.recordAt = Math.max(this.recordAt, offset);
      this.pending = Buffer.alloc(0);
    }
    const pendingAt = this.received - this.pending.length;
    let data = this.pending.length === 0 ? body : Buffer.concat([this.pending, body]);
    this.received += body.length;
    // Padding after a blank: bytes before recordAt that belong to no record.
    if (pendingAt < this.recordAt)
      data = data.subarray(Math.min(data.length, this.recordAt - pendingAt));
    const records: StreamRecord[] = [];
    let pos = 0;
    while (data.length - pos >= BLANK_HEADER_BYTES && this.recordAt < this.received) {
      const at = this.recordAt;
      const size = data.readInt32BE(pos);
      if (data.readInt32BE(pos + 4) === BLANK_MAGIC_CODE) {
        const left = this.fileSize - (at % this.fileSize);
        if (size !== left) {
          return {
            ok: false,
            reason: `a blank at ${at} says ${size} bytes; its segment has ${left}`,
          };
        }
        records.push({ offset: at, bytes: Buffer.from(data.subarray(pos, pos + 8)), blank: true });
        this.recordAt = at + left;
        pos = Math.min(data.length, pos + left);
        continue;
      }
      if (size <= BLANK_HEADER_BYTES || size > this.maxRecordBytes) {
        return { ok: false, reason: `record size ${size} at ${at} is impossible` };
      }
      if (data.length - pos < size) break;
      records.push({
        offset: at,
        bytes: Buffer.from(data.subarray(pos, pos + size)),
        blank: false,
      });
      this.recordAt = at + size;
      pos += size;
    }
    this.pending = Buffer.from(data.subarray(pos));
    return { ok: true, records };
  }
}
