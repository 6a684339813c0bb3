// A level's deliverer and an arrival racing with the end of a pass (real clock, real store).
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { TempDirs, testMessage } from '../../store/store.fixture.js';
import { openDeliveryStore } from '../delivery.fixture.js';
import { applyDelayLevel } from './delay-hook.js';
import { DelayOffsetStore } from './delay-offset-store.js';
import { LevelDeliverer } from './level-deliverer.js';

const dirs = new TempDirs('kitemq-level-');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('LevelDeliverer', () => {
  it('looks again when a message arrives while a pass that found nothing saves progress', async () => {
    const dir = dirs.make();
    cleanup.push(() => dirs.removeAll());
    const store = await openDeliveryStore(dir);
    cleanup.push(() => store.shutdown());
    const offsets = new DelayOffsetStore(dir);
    // The pass's progress write is held open until the test lets it finish.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const flush = offsets.flush.bind(offsets);
    let flushes = 0;
    offsets.flush = async () => {
      flushes++;
      if (flushes === 1) await held;
      return flush();
    };
    const levels = [50];
    const deliverer = new LevelDeliverer(1, {
      store,
      offsets,
      log: silentLogger(),
      levels,
      now: Date.now,
    });
    deliverer.start(0);
    cleanup.push(() => deliverer.stop());
    while (flushes === 0) await new Promise((r) => setTimeout(r, 5)); // the empty pass saves

    const d = applyDelayLevel(
      testMessage({
        topic: 'Real',
        body: Buffer.from('late'),
        properties: { DELAY: '1', UNIQ_KEY: 'U1' },
        bornTimestamp: Date.now(),
        bornHost: '127.0.0.1:4000',
        storeHost: '127.0.0.1:10911',
      }),
      levels,
    );
    if ('error' in d) throw new Error(d.error);
    expect((await store.putMessage(d.message)).status).toBe('PUT_OK');
    deliverer.onArrival(); // what the store's messageArrived listener does
    release();

    const deadline = Date.now() + 2_000;
    while (store.getMaxOffsetInQueue('Real', 0) === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(store.getMaxOffsetInQueue('Real', 0)).toBe(1);
  });
});
