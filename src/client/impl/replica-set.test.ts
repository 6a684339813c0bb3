// A client facing a replica set (master 0, slave 1) over loopback: pulls follow the broker's
// suggestWhichBrokerId and reach the slave once the master leaves the route (without the offset
// commit a slave must not take); offsets go to the master, else the slave; consumer heartbeats
// reach every member, a producer's only the masters.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { PullSysFlag } from '../../protocol/headers/pull.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ClientInstance } from './client-instance.js';
import { PullAPIWrapper } from './pull-api.js';
import { RemoteOffsetStore } from './remote-offset-store.js';
import {
  pollUntil,
  type RecordingPeer,
  routeOf,
  startRecordingPeer,
} from './replica-set.fixture.js';

let master: RecordingPeer;
let slave: RecordingPeer;
let client: ClientInstance;
const mq = { topic: 'T', brokerName: 'a', queueId: 1 };

beforeEach(async () => {
  master = await startRecordingPeer();
  slave = await startRecordingPeer();
  // The name server is never asked: routes are applied by hand.
  client = new ClientInstance('127.0.0.1:1', silentLogger());
  client.applyRoute('T', routeOf({ a: { '0': master.addr, '1': slave.addr } }));
});

afterEach(async () => {
  client.shutdown();
  await master.close();
  await slave.close();
});

const header = (queueOffset: number) => ({
  consumerGroup: 'G',
  topic: 'T',
  queueId: 1,
  queueOffset,
  maxMsgNums: 32,
  sysFlag: PullSysFlag.COMMIT_OFFSET | PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION,
  commitOffset: 5,
  suspendTimeoutMillis: 0,
  subscription: '*',
  subVersion: 0,
  expressionType: 'TAG',
});
const sysFlagOf = (p: RecordingPeer, i: number) =>
  Number(p.of(RequestCode.PULL_MESSAGE)[i]?.extFields.sysFlag);

describe('pulls across a replica set', () => {
  it('go to the master first, then where the answer suggested, without a commit there', async () => {
    const api = new PullAPIWrapper(client);
    master.suggest = 1;
    await api.pull('a', header(7), 3_000, []);
    expect(master.of(RequestCode.PULL_MESSAGE)).toHaveLength(1);
    expect(sysFlagOf(master, 0) & PullSysFlag.COMMIT_OFFSET).not.toBe(0);
    expect(api.pullFromWhichNodeOf('a', 'T', 1)).toBe(1);
    slave.suggest = 0;
    await api.pull('a', header(7), 3_000, []);
    expect(slave.of(RequestCode.PULL_MESSAGE)).toHaveLength(1);
    expect(sysFlagOf(slave, 0) & PullSysFlag.COMMIT_OFFSET).toBe(0);
    // Told to go back: the master again.
    await api.pull('a', header(7), 3_000, []);
    expect(master.of(RequestCode.PULL_MESSAGE)).toHaveLength(2);
  });

  it('reach the slave once the master is gone from the route', async () => {
    const api = new PullAPIWrapper(client);
    client.applyRoute('T', routeOf({ a: { '1': slave.addr } }));
    const r = await api.pull('a', header(3), 3_000, []);
    expect(r.status).toBe('NO_NEW_MSG');
    expect(master.received).toHaveLength(0);
    expect(slave.of(RequestCode.PULL_MESSAGE)).toHaveLength(1);
  });
});

describe('a member that stopped answering', () => {
  it('makes the client re-read the route at once, not at the next poll', async () => {
    const gone = await startRecordingPeer();
    await gone.close();
    // The slave plays the name server too; it no longer lists the master.
    const viaSlave = new ClientInstance(slave.addr, silentLogger());
    try {
      viaSlave.applyRoute('T', routeOf({ a: { '0': gone.addr, '1': slave.addr } }));
      slave.route = routeOf({ a: { '1': slave.addr } });
      const api = new PullAPIWrapper(viaSlave);
      await expect(api.pull('a', header(0), 3_000, [])).rejects.toThrow();
      const found = await pollUntil(
        () => viaSlave.findBrokerAddressInSubscribe('a', 0)?.addr,
        (addr) => addr === slave.addr,
        20_000,
      );
      expect(found).toBe(slave.addr);
    } finally {
      viaSlave.shutdown();
    }
  });
});

describe('offsets across a replica set', () => {
  it('go to the master, and to the slave while the master is gone', async () => {
    const offsets = new RemoteOffsetStore(client, 'G', silentLogger());
    expect(await offsets.updateOffset(mq, 10)).toBe(true);
    expect(master.offsets.get(1)).toBe(10);
    client.applyRoute('T', routeOf({ a: { '1': slave.addr } }));
    expect(await offsets.updateOffset(mq, 12)).toBe(true);
    expect(slave.offsets.get(1)).toBe(12);
    expect(master.offsets.get(1)).toBe(10);
    expect(await offsets.readOffset(mq)).toBe(12);
    expect(master.of(RequestCode.QUERY_CONSUMER_OFFSET)).toHaveLength(0);
  });

  it('consumer lists are asked of the slave while the master is gone', async () => {
    client.applyRoute('T', routeOf({ a: { '1': slave.addr } }));
    expect(await client.consumerIds('G', 'a')).toEqual([slave.addr]);
  });
});

describe('heartbeats across a replica set', () => {
  it('reach every member for a consumer, only the masters for a producer', async () => {
    const consumer = { producerGroups: () => [], consumerData: () => [{ groupName: 'G' }] };
    client.register(consumer);
    await client.sendHeartbeatToAllBrokers();
    expect(master.of(RequestCode.HEART_BEAT)).toHaveLength(1);
    expect(slave.of(RequestCode.HEART_BEAT)).toHaveLength(1);
    client.unregister(consumer);
    client.register({ producerGroups: () => ['P'], consumerData: () => [] });
    await client.sendHeartbeatToAllBrokers();
    expect(master.of(RequestCode.HEART_BEAT)).toHaveLength(2);
    expect(slave.of(RequestCode.HEART_BEAT)).toHaveLength(1);
  });
});

describe('sends across replica sets', () => {
  it('a broker name whose master left the route has no writable queue', async () => {
    const both = { a: { '0': master.addr, '1': slave.addr }, b: { '0': '127.0.0.1:2' } };
    client.applyRoute('T', routeOf(both));
    const names = async () => [
      ...new Set((await client.publishQueues('T')).map((q) => q.brokerName)),
    ];
    expect(await names()).toEqual(['a', 'b']);
    client.applyRoute('T', routeOf({ a: { '1': slave.addr }, b: { '0': '127.0.0.1:2' } }));
    expect(await names()).toEqual(['b']);
    await expect(
      client.invokeBroker('a', createRequest(RequestCode.HEART_BEAT, 0)),
    ).rejects.toThrow(/no master address/);
  });
});
