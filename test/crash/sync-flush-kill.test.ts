// With flushDiskType=SYNC_FLUSH an acknowledged message survives kill -9: senders run flat out,
// the broker is SIGKILLed mid-stream, restarted on the same store, and every acknowledged message
// must be found at the queue offset it was acknowledged with. Repeated a few times. kill -9
// leaves the kernel's page cache intact, so this proves the recovery and consume-queue rebuild,
// not the fdatasync; that acknowledgements wait for fdatasync is proven by the store's
// power-loss test through the FileIO seam.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerHandle,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { createTopic } from '../harness/topics.js';
import { killWhileSending } from './kill-while-sending.js';

let namesrv: NamesrvHandle;
let broker: BrokerHandle;
const topic = uniqueName('Durable');
const ROUNDS = 5;

beforeAll(async () => {
  namesrv = await startNamesrv();
  broker = await startBroker({
    namesrvAddr: namesrv.addr,
    conf: { flushDiskType: 'SYNC_FLUSH', mapedFileSizeCommitLog: 256 * 1024 },
  });
  await createTopic(broker.addr, namesrv.addr, topic, 2);
});

afterAll(async () => {
  await broker?.stop();
  await namesrv?.stop();
});

describe('SYNC_FLUSH durability under kill -9', () => {
  it(`keeps every acknowledged message across ${ROUNDS} crashes`, async () => {
    const acked = await killWhileSending(broker, topic, {
      rounds: ROUNDS,
      senders: 16,
      acksPerRound: 300,
    });
    expect(acked).toBeGreaterThanOrEqual(ROUNDS * 300);
  });
});
