// suggestPullingFromSlave's far-behind test reads the last scanned record's physicalOffset from
// the pull's own records when none was filtered out, and asks the consume queue only otherwise.
import { describe, expect, it } from 'vitest';
import { writeInt64BE } from '../../message/int64.js';
import { PHYSICAL_OFFSET_POS } from '../../message/record-codec.js';
import type { MessageStore } from '../../store/message-store.js';
import { suggestPullingFromSlave } from './pull-suggest.js';

/** A record's bytes with only the field the test reads set. */
const record = (physicalOffset: number) => {
  const b = Buffer.alloc(64);
  writeInt64BE(b, physicalOffset, PHYSICAL_OFFSET_POS);
  return b;
};

/** A store whose log ends at `maxPhyOffset`; its consume queue says the unit is at `unitPy`. */
function fakeStore(maxPhyOffset: number, unitPy: number) {
  const asked: number[] = [];
  const store = {
    maxPhyOffset,
    consumeQueues: {
      find: () => ({
        unitAt: (q: number) => {
          asked.push(q);
          return { commitLogOffset: unitPy, size: 64, tagsCode: 0 };
        },
      }),
    },
  } as unknown as MessageStore;
  return { store, asked };
}

// 100 bytes of "RAM" at 40 %: more than 40 bytes behind the log end is far behind.
const far = (
  s: MessageStore,
  next: number,
  pulled?: Parameters<typeof suggestPullingFromSlave>[6],
) => suggestPullingFromSlave(s, 'T', 0, next, 40, 100, pulled);

describe('suggestPullingFromSlave', () => {
  it('reads the last record when every scanned unit was returned', () => {
    const { store, asked } = fakeStore(1_000, 0);
    const buffers = [record(900), record(990)];
    expect(far(store, 12, { queueOffset: 10, buffers })).toBe(false); // 10 bytes behind
    expect(far(store, 12, { queueOffset: 10, buffers: [record(10), record(20)] })).toBe(true);
    expect(asked).toEqual([]);
  });

  it('asks the consume queue when a filter skipped units (fewer records than scanned)', () => {
    const { store, asked } = fakeStore(1_000, 100);
    expect(far(store, 15, { queueOffset: 10, buffers: [record(990)] })).toBe(true);
    expect(asked).toEqual([14]);
  });

  it('asks the consume queue without the records', () => {
    const { store, asked } = fakeStore(1_000, 990);
    expect(far(store, 15)).toBe(false);
    expect(asked).toEqual([14]);
  });
});
