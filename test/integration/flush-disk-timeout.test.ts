// SYNC_FLUSH on a disk slower than syncFlushTimeout: the send is answered FLUSH_DISK_TIMEOUT (10)
// with where the message went, and the message is stored (a pull finds it there). No slow disk
// can be mounted on a test machine (a tmpfs is faster, device-mapper's dm-delay is not there),
// so the broker's real fdatasync is preceded by a wait (KITEMQ_TEST_FDATASYNC_DELAY_MS, a store
// test seam) longer than syncFlushTimeout.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger.js';
import { decodeRecords } from '../../src/message/record-codec.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { pullHeader, sendV2Header } from '../harness/raw-protocol.js';
import { startProducer } from '../harness/sdk.js';

const logger = silentLogger();
const topic = uniqueName('SlowDisk');
const cluster = useCluster({
  brokers: [
    {
      conf: { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 200 },
      env: { KITEMQ_TEST_FDATASYNC_DELAY_MS: '1000' },
      killOnStop: true, // a clean stop would wait out the slow fdatasync of every file
    },
  ],
  topics: [{ name: topic, queues: 1 }],
});

async function pullAt(c: RemotingClient, queueOffset: number): Promise<string[]> {
  const p = await c.invoke(
    cluster.brokerAddr,
    createRequest(
      RequestCode.PULL_MESSAGE,
      0,
      pullHeader('verify', topic, 0, queueOffset, { maxMsgNums: 1 }),
    ),
    10_000,
  );
  expect(p.code).toBe(ResponseCode.SUCCESS);
  return decodeRecords(p.body!).map((m) => m.body.toString());
}

describe('FLUSH_DISK_TIMEOUT', () => {
  it('answers code 10 with the message stored where the response says', async () => {
    const c = new RemotingClient(logger);
    try {
      const r = await c.invoke(
        cluster.brokerAddr,
        createRequest(
          RequestCode.SEND_MESSAGE_V2,
          0,
          sendV2Header(topic, 0, ''),
          Buffer.from('slow disk'),
        ),
        30_000,
      );
      expect(r.code).toBe(ResponseCode.FLUSH_DISK_TIMEOUT);
      expect(r.code).toBe(10);
      expect(r.remark).toMatch(/stored .*syncFlushTimeout/);
      expect(r.extFields.msgId).toMatch(/^[0-9A-F]{32}$/);
      expect(await pullAt(c, Number(r.extFields.queueOffset))).toEqual(['slow disk']);
    } finally {
      c.close();
    }
  });

  it('a producer gets sendStatus FLUSH_DISK_TIMEOUT, not an error', async () => {
    const producer = await startProducer(cluster.namesrvAddr);
    try {
      const r = await producer.send({ topic, body: 'slow too' });
      expect(r.sendStatus).toBe('FLUSH_DISK_TIMEOUT');
      const c = new RemotingClient(logger);
      try {
        expect(await pullAt(c, r.queueOffset)).toEqual(['slow too']);
      } finally {
        c.close();
      }
    } finally {
      await producer.shutdown();
    }
  });
});
