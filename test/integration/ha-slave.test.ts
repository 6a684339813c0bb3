// A real broker process as SLAVE following a master scripted in this process with the classic
// HA wire (src/protocol/ha.ts) and a real store as its source: the replicated message is pulled
// from the slave. And a SLAVE whose name server knows no master for its brokerName fails to
// start with one line naming the fix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScriptedMaster } from '../../src/broker/ha/ha-slave.fixture.js';
import { silentLogger } from '../../src/common/logger.js';
import { bodyCrc32 } from '../../src/message/record-codec.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { MessageStore } from '../../src/store/message-store.js';
import { testMessage, testStoreOptions } from '../../src/store/store.fixture.js';
import { pollUntil } from '../harness/poll.js';
import {
  type BrokerHandle,
  HARNESS_BROKER_DEFAULTS,
  type NamesrvHandle,
  startBroker,
  startNamesrv,
  uniqueName,
} from '../harness/processes.js';
import { RawBroker } from '../harness/raw-protocol.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function namesrv(): Promise<NamesrvHandle> {
  const n = await startNamesrv();
  cleanups.push(() => n.stop());
  return n;
}

describe('HA slave process', () => {
  it('replicates from its master and serves the message to a pull', async () => {
    const topic = uniqueName('HaSlave');
    const dir = mkdtempSync(join(tmpdir(), 'kitemq-ha-master-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const segment = Number(HARNESS_BROKER_DEFAULTS.mapedFileSizeCommitLog);
    const source = await MessageStore.open(
      testStoreOptions(dir, { mappedFileSizeCommitLog: segment }),
    );
    cleanups.push(() => source.shutdown());
    for (let i = 0; i < 3; i++) {
      await source.putMessage(testMessage({ topic, body: Buffer.from(`replicated-${i}`) }));
    }
    const master = new ScriptedMaster();
    const haAddr = await master.listen();
    cleanups.push(() => master.close());
    const n = await namesrv();
    const slave: BrokerHandle = await startBroker({
      namesrvAddr: n.addr,
      conf: { brokerRole: 'SLAVE', brokerId: 1, haMasterAddress: haAddr },
    });
    cleanups.push(() => slave.stop());

    const conn = await master.conn(0);
    expect(await conn.firstReport()).toBe(0); // an empty slave lets the master choose
    const end = conn.sendLog(source, 0);
    // The slave acks what it appended: its report reaches the master's end.
    await pollUntil(
      () => conn.reports.at(-1),
      (r) => r === end,
      20_000,
    );
    expect(conn.reports.at(-1)).toBe(end);

    const client = new RemotingClient(silentLogger());
    cleanups.push(() => client.close());
    const raw = new RawBroker(client, () => slave.addr);
    const created = await raw.call(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: 1,
      writeQueueNums: 1,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
    });
    expect(created.code, created.remark).toBe(ResponseCode.SUCCESS);
    const pulled = await raw.pull(topic, uniqueName('HaSlaveGroup'), 0, 0, { subscription: '*' });
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    expect(pulled.msgs.map((m) => m.body.toString())).toEqual([
      'replicated-0',
      'replicated-1',
      'replicated-2',
    ]);
  });

  it('follows the haServerAddr the name server answers with for its master', async () => {
    const n = await namesrv();
    const brokerName = uniqueName('learned');
    const master = new ScriptedMaster();
    const haAddr = await master.listen();
    cleanups.push(() => master.close());
    // A master registered by hand: its HA address is the scripted master's.
    const client = new RemotingClient(silentLogger());
    cleanups.push(() => client.close());
    const body = Buffer.from(
      JSON.stringify({
        filterServerList: [],
        topicConfigSerializeWrapper: {
          dataVersion: { counter: 0, timestamp: 0 },
          topicConfigTable: {},
        },
      }),
    );
    const header = {
      brokerName,
      brokerAddr: '127.0.0.1:1',
      clusterName: 'DefaultCluster',
      haServerAddr: haAddr,
      brokerId: 0,
      compressed: false,
      bodyCrc32: bodyCrc32(body),
    };
    const reg = await client.invoke(
      n.addr,
      createRequest(RequestCode.REGISTER_BROKER, 0, header, body),
      10_000,
    );
    expect(reg.code, reg.remark).toBe(ResponseCode.SUCCESS);
    const slave = await startBroker({
      namesrvAddr: n.addr,
      conf: { brokerRole: 'SLAVE', brokerId: 1, brokerName },
    });
    cleanups.push(() => slave.stop());
    const conn = await master.conn(0);
    expect(await conn.firstReport()).toBe(0);
  });

  it('fails to start as a SLAVE no name server knows a master for', async () => {
    const n = await namesrv();
    const brokerName = uniqueName('orphan');
    const start = startBroker({
      namesrvAddr: n.addr,
      conf: { brokerRole: 'SLAVE', brokerId: 1, brokerName },
    });
    const err = await start.then(
      () => new Error('the slave started'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toContain(
      `no master registered for brokerName=${brokerName}; start the master first or set haMasterAddress`,
    );
    expect(err.message).toMatch(/code 1\b/);
  });
});
