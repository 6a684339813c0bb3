// The classic HA port of a real broker process, spoken by a raw client with the spec's §2.2
// bytes: a SYNC_MASTER answers SLAVE_NOT_AVAILABLE (11) with no slave, SEND_OK once a slave acks,
// FLUSH_SLAVE_TIMEOUT (12) when it reads but never acks; what the slave receives is the master's
// commit-log file byte for byte; an idle link gets heartbeats; with haAuthToken only a slave that
// answers the challenge is served. The HA address is the one the name server hands a slave.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RawHaClient } from '../../src/broker/ha/ha-raw-client.fixture.js';
import { bodyCrc32 } from '../../src/message/record-codec.js';
import {
  decodeAuthChallenge,
  encodeAuthResponse,
  encodeSlaveReport,
} from '../../src/protocol/ha.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { type Cluster, useCluster } from '../harness/cluster.js';
import { pollUntil } from '../harness/poll.js';
import { uniqueName } from '../harness/processes.js';

const DEADLINE_MS = 30_000;
/** The spec's slave report for an empty slave: offset 0 as 8 big-endian bytes. */
const REPORT_ZERO = Buffer.from('0000000000000000', 'hex');

/** The HA address the name server answers a slave of this broker's name (REGISTER_BROKER). */
async function masterHaPort(c: Cluster): Promise<number> {
  const body = Buffer.from(
    JSON.stringify({
      filterServerList: [],
      topicConfigSerializeWrapper: {
        dataVersion: { counter: 1, timestamp: 1 },
        topicConfigTable: {},
      },
    }),
  );
  const header = {
    brokerName: c.broker.brokerName,
    brokerAddr: '127.0.0.1:1',
    clusterName: 'DefaultCluster',
    haServerAddr: '127.0.0.1:2',
    brokerId: 1,
    bodyCrc32: bodyCrc32(body),
  };
  const req = createRequest(RequestCode.REGISTER_BROKER, 0, header, body);
  const res = await c.client.invoke(c.namesrv.addr, req);
  expect(res.extFields?.masterAddr).toBe(c.brokerAddr);
  const ha = String(res.extFields?.haServerAddr);
  expect(ha).toMatch(/^127\.0\.0\.1:\d+$/);
  return Number(ha.split(':')[1]);
}

function commitLogFile(c: Cluster): Buffer {
  return readFileSync(join(c.storeDir, 'commitlog', '00000000000000000000'));
}

function commitLogSize(c: Cluster): number {
  return statSync(join(c.storeDir, 'commitlog', '00000000000000000000')).size;
}

describe('SYNC_MASTER with a raw HA slave', () => {
  const topic = uniqueName('HaRaw');
  const cluster = useCluster({
    brokerConfig: { brokerRole: 'SYNC_MASTER', slaveTimeout: 1000, haSendHeartbeatInterval: 200 },
    topics: [{ name: topic, queues: 1 }],
  });
  const clients: RawHaClient[] = [];
  const open = async (port: number) => {
    const c = await RawHaClient.open(port);
    clients.push(c);
    return c;
  };

  it('answers SLAVE_NOT_AVAILABLE (11) at once while no slave is connected', async () => {
    const r = await cluster.raw.send(topic, 0, 'before any slave');
    expect(r.code).toBe(11); // with slaveTimeout passed it would be 12: it did not wait
    expect(r.remark).toContain('haListenPort');
  });

  it('answers SEND_OK with a slave that acks, which receives the commit log byte for byte', async () => {
    const slave = await open(await masterHaPort(cluster));
    slave.autoAck = true;
    slave.send(REPORT_ZERO);
    expect(
      await pollUntil(
        () => slave.frames.length,
        (n) => n > 0,
        DEADLINE_MS,
      ),
    ).toBeGreaterThan(0);
    // The first frame: header offset 0 (8 bytes), then the body size (4 bytes), big-endian.
    expect(slave.raw.subarray(0, 8).toString('hex')).toBe('0000000000000000');
    expect(slave.raw.readInt32BE(8)).toBe(slave.frames[0]!.body.length);
    for (let i = 0; i < 5; i++) {
      const r = await cluster.raw.send(topic, 0, `replicated ${i}`);
      expect(r.code).toBe(0);
    }
    const size = commitLogSize(cluster);
    const got = await pollUntil(
      () => slave.data().bytes.length,
      (n) => n >= size,
      DEADLINE_MS,
    );
    expect(got).toBe(size);
    expect(slave.data().from).toBe(0);
    expect(slave.data().bytes.equals(commitLogFile(cluster))).toBe(true);
  });

  it('sends heartbeats at the next offset while the link is idle', async () => {
    const slave = clients[0]!;
    const seen = slave.heartbeats().length;
    const n = await pollUntil(
      () => slave.heartbeats().length,
      (k) => k >= seen + 2,
      DEADLINE_MS,
    );
    expect(n).toBeGreaterThanOrEqual(seen + 2);
    expect(slave.heartbeats().at(-1)!.offset).toBe(commitLogSize(cluster));
  });

  it('answers FLUSH_SLAVE_TIMEOUT (12) when the slave reads but never acks', async () => {
    clients[0]!.close();
    const end = commitLogSize(cluster);
    const slave = await open(await masterHaPort(cluster));
    slave.report(end);
    // A heartbeat means the master took the report: the slave is connected and in sync.
    await pollUntil(
      () => slave.heartbeats().length,
      (n) => n > 0,
      DEADLINE_MS,
    );
    expect(slave.heartbeats()[0]!.offset).toBe(end);
    const r = await cluster.raw.send(topic, 0, 'never acked');
    expect(r.code).toBe(12);
    expect(r.remark).toContain('slaveTimeout');
    const got = await pollUntil(
      () => slave.data().bytes.length,
      (n) => n > 0,
      DEADLINE_MS,
    );
    expect(got).toBe(commitLogSize(cluster) - end); // it had the bytes, it just never said so
    for (const c of clients) c.close();
  });
});

describe('haAuthToken on the HA port', () => {
  const topic = uniqueName('HaAuth');
  const token = 'replica-set-secret';
  const cluster = useCluster({
    brokerConfig: { haAuthToken: token },
    topics: [{ name: topic, queues: 1 }],
  });

  it('cuts off a classic slave and serves one that answers the challenge', async () => {
    expect((await cluster.raw.send(topic, 0, 'to replicate')).code).toBe(0);
    const port = await masterHaPort(cluster);
    const classic = await RawHaClient.open(port, false);
    classic.send(REPORT_ZERO);
    expect(
      await pollUntil(
        () => classic.closed,
        (x) => x,
        DEADLINE_MS,
      ),
    ).toBe(true);
    expect(classic.raw.length).toBe(24); // the challenge, never a byte of the log
    const warned = await pollUntil(
      () => cluster.broker.output(),
      (o) => o.includes('refused'),
      DEADLINE_MS,
    );
    expect(warned).toMatch(/HA link from 127\.0\.0\.1:\d+ refused: .*set the same haAuthToken/);

    const slave = await RawHaClient.open(port, false);
    await pollUntil(
      () => slave.raw.length,
      (n) => n >= 24,
      DEADLINE_MS,
    );
    const nonce = decodeAuthChallenge(slave.raw)!;
    slave.send(Buffer.concat([encodeAuthResponse(token, nonce), encodeSlaveReport(0)]));
    slave.startFraming(24);
    const size = commitLogSize(cluster);
    const got = await pollUntil(
      () => slave.data().bytes.length,
      (n) => n >= size,
      DEADLINE_MS,
    );
    expect(got).toBe(size);
    expect(slave.data().bytes.equals(commitLogFile(cluster))).toBe(true);
    expect(slave.closed).toBe(false);
    slave.close();
  });
});
