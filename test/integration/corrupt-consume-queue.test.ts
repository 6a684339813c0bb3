// A consume-queue file with garbage bytes in a unit: at the next start the broker cuts the queue
// at the first unit that cannot be right (negative or decreasing commit-log offset, a size of 0 or
// less, past the commit log's end) and rebuilds the rest from the commit log, so a consumer still
// gets every message, in order, at its old queue offset.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CQ_UNIT_SIZE_BYTES } from '../../src/common/limits.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const cluster = useCluster();

/** Overwrites unit `queueOffset` of the queue's first segment in place (the file keeps its size). */
function damageUnit(topic: string, queueId: number, queueOffset: number, bytes: Buffer): void {
  expect(bytes.length).toBe(CQ_UNIT_SIZE_BYTES);
  const path = join(cluster.storeDir, 'consumequeue', topic, String(queueId), '0'.repeat(20));
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, bytes.length, queueOffset * CQ_UNIT_SIZE_BYTES);
  } finally {
    closeSync(fd);
  }
}

async function sendAll(topic: string, queueId: number, bodies: string[]): Promise<void> {
  for (const b of bodies) {
    const r = await cluster.raw.send(topic, queueId, b);
    expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  }
}

/** Everything a new group pulls from offset 0, with the queue offsets the broker reports. */
async function pullAll(topic: string, queueId: number): Promise<string[]> {
  const group = uniqueName('CqGroup');
  const got: string[] = [];
  let offset = 0;
  for (;;) {
    const r = await cluster.raw.pull(topic, group, queueId, offset, { subscription: '*' });
    if (r.code !== ResponseCode.SUCCESS) break;
    for (const m of r.msgs) got.push(`${m.queueOffset}:${m.body.toString()}`);
    offset = r.next;
  }
  return got;
}

const bodies = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const expected = (list: string[]) => list.map((b, i) => `${i}:${b}`);

describe('a corrupt consume queue', () => {
  it('is rebuilt from the commit log after a clean restart (garbage in a middle unit)', async () => {
    const topic = uniqueName('CqMid');
    await cluster.createTopic(topic, 2);
    const q0 = bodies('q0', 12);
    await sendAll(topic, 0, q0);
    await sendAll(topic, 1, bodies('q1', 3));
    expect(await pullAll(topic, 0)).toEqual(expected(q0));
    // commitLogOffset -1, size -1: what a bit-rotted or zero-filled sector tends to look like.
    damageUnit(topic, 0, 4, Buffer.alloc(CQ_UNIT_SIZE_BYTES, 0xff));
    await cluster.broker.restart();

    expect(await pullAll(topic, 0)).toEqual(expected(q0));
    expect(await pullAll(topic, 1)).toEqual(expected(bodies('q1', 3)));
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(12);
    const next = await cluster.raw.send(topic, 0, 'after');
    expect(next.extFields.queueOffset).toBe('12');
  });

  it('is rebuilt after a kill -9 (the last unit and an earlier one overwritten)', async () => {
    const topic = uniqueName('CqTail');
    await cluster.createTopic(topic, 1);
    const q0 = bodies('t', 9);
    await sendAll(topic, 0, q0);
    expect(await pullAll(topic, 0)).toEqual(expected(q0));
    // A plausible-looking unit: offset far past the commit log's end, a positive size.
    const far = Buffer.alloc(CQ_UNIT_SIZE_BYTES);
    far.writeUInt32BE(0x7f, 0);
    far.writeInt32BE(180, 8);
    damageUnit(topic, 0, 8, far);
    damageUnit(topic, 0, 2, Buffer.from('garbage-garbage-garb'));
    await cluster.broker.kill();
    await cluster.broker.restart();

    expect(await pullAll(topic, 0)).toEqual(expected(q0));
    expect(await cluster.raw.maxOffset(topic, 0)).toBe(9);
  });
});
