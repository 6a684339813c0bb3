// A broker started with maxTransferCountOnMessageInMemory in its broker.conf caps each pull at
// that many messages, whatever the pull asks for (the key reaches the store through the broker's
// composition root, not only the in-process fixture).
import { describe, expect, it } from 'vitest';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const topic = uniqueName('PullCaps');
const cluster = useCluster({
  brokerConfig: { maxTransferCountOnMessageInMemory: 4 },
  topics: [{ name: topic, queues: 1 }],
});

describe('maxTransferCountOnMessageInMemory in broker.conf', () => {
  it('caps every pull at that many messages', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await cluster.raw.send(topic, 0, `m${i}`)).code).toBe(ResponseCode.SUCCESS);
    }
    const group = uniqueName('PullCapsGroup');
    const first = await cluster.raw.pull(topic, group, 0, 0, { subscription: '*' });
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(first.msgs.map((m) => `${m.body}`)).toEqual(['m0', 'm1', 'm2', 'm3']);
    const second = await cluster.raw.pull(topic, group, 0, first.next, { subscription: '*' });
    expect(second.msgs.map((m) => m.queueOffset)).toEqual([4, 5, 6, 7]);
  });
});
