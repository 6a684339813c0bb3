// Commit-log bytes as a master ships them to its slave (DefaultHAConnection.WriteSocketService ←
// CommitLog#getData(offset) → MappedFile#selectMappedBuffer(pos)): from `offset` to the end of
// its one segment, never into the next file, and never past the last write round that
// succeeded (a byte a failed round rolls back must never reach a slave).
//
// A closed segment ends with its end-of-file blank: 8 bytes written here, but in RocketMQ the
// blank's append moves the write position to the file's end, so its transfer carries the blank
// and then zeros up to the segment end, and a Java slave's log end (its next report, and the
// offset it expects in the next header) is the next segment's start. The zeros are served here
// the same way; only bytes that are written are ever read from the file.
import { assert } from '../common/assert.js';
import type { CommitLog } from './commit-log.js';

/**
 * Up to `maxBytes` from `offset` within its segment and below `writtenEnd`; undefined when
 * nothing is there (offset at or past the end, or below the log's head).
 */
export function readCommitLog(
  log: CommitLog,
  writtenEnd: number,
  offset: number,
  maxBytes: number,
): Buffer | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0 || maxBytes <= 0) return undefined;
  assert(writtenEnd <= log.maxOffset, 'the written end never passes what was appended');
  const f = log.queue.findByOffset(offset);
  if (!f) return undefined;
  const closed = f !== log.queue.last;
  const pos = offset - f.fileFromOffset;
  const segmentEnd = closed ? f.fileSize : f.wrotePosition;
  const n = Math.min(maxBytes, segmentEnd - pos, writtenEnd - offset);
  if (n <= 0) return undefined;
  const fromFile = Math.max(0, Math.min(n, f.wrotePosition - pos));
  if (fromFile === n) return f.read(pos, n);
  assert(closed, 'only a closed segment is read past its written bytes');
  const b = Buffer.alloc(n); // the blank's filler: zeros, as a fresh segment file holds them
  if (fromFile > 0) f.read(pos, fromFile).copy(b, 0);
  assert(pos + n <= f.fileSize, 'a read stays inside its segment');
  return b;
}
