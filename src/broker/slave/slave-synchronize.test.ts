// SlaveSynchronize against a real master: two in-process brokers, the master's processor table
// answering the slave's requests (no socket; the client hands each request to the master as the
// RemotingServer would). Both brokers are real: real stores, real managers, real delivery.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import { type InProcessBroker, openInProcessBroker } from '../in-process-broker.fixture.js';
import { newSubscriptionGroupConfig } from '../managers/subscription-group-manager.js';
import { SlaveSynchronize, vipAddress } from './slave-synchronize.js';

const MASTER = '127.0.0.1:10911';
let master: InProcessBroker;
let slave: InProcessBroker;
let asked: string[];

beforeEach(async () => {
  master = await openInProcessBroker({ brokerName: 'broker-a' });
  slave = await openInProcessBroker({ brokerName: 'broker-a', brokerId: 1, brokerRole: 'SLAVE' });
  asked = [];
});

afterEach(async () => {
  await slave.close();
  await master.close();
});

function synchronizer(to: () => InProcessBroker = () => master): SlaveSynchronize {
  const client = {
    invoke: (addr: string, cmd: RemotingCommand) => {
      asked.push(addr);
      return to().request(cmd.code, cmd.extFields, cmd.body);
    },
  };
  const { topics, groups, offsets, schedule, store } = slave.ctx;
  return new SlaveSynchronize({
    topics,
    groups,
    offsets,
    schedule,
    clean: store.cleanService,
    client,
    masterAddr: () => MASTER,
    log: silentLogger(),
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SlaveSynchronize', () => {
  it("takes the master's topics and DataVersion from the VIP port and persists them", async () => {
    master.createTopic('OnlyOnMaster', 3);
    slave.createTopic('OnlyOnSlave', 1);
    // Both brokers opened and changed once in the same millisecond would hold equal DataVersions
    // (counter and timestamp), and a slave rightly skips an equal one: one more step on the master.
    master.ctx.topics.nextDataVersion();
    const round = await synchronizer().syncAll();
    expect(round.failed).toEqual({});
    expect(new Set(asked)).toEqual(new Set([vipAddress(MASTER)]));
    expect(vipAddress(MASTER)).toBe('127.0.0.1:10909');
    expect(slave.ctx.topics.get('OnlyOnMaster')).toMatchObject({ readQueueNums: 3 });
    expect(slave.ctx.topics.get('OnlyOnSlave')).toBeUndefined();
    expect(slave.ctx.topics.dataVersion).toEqual(master.ctx.topics.dataVersion);
    const file = join(slave.ctx.config.storePathRootDir, 'config', 'topics.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).topicConfigTable.OnlyOnMaster).toBeDefined();
  });

  it('merges consumer offsets by maximum: neither side moves a queue back', async () => {
    master.ctx.offsets.commitOffset('G', 'T', 0, 10);
    master.ctx.offsets.commitOffset('G', 'T', 1, 3);
    master.ctx.offsets.commitOffset('G2', 'T', 0, 7);
    // Committed to the slave while the master was away: queue 1 got further there.
    slave.ctx.offsets.commitOffset('G', 'T', 0, 5);
    slave.ctx.offsets.commitOffset('G', 'T', 1, 8);
    slave.ctx.offsets.commitOffset('Gs', 'T', 0, 4);
    expect((await synchronizer().syncAll()).failed).toEqual({});
    const q = (g: string, id: number) => slave.ctx.offsets.queryOffset(g, 'T', id);
    expect([q('G', 0), q('G', 1), q('G2', 0), q('Gs', 0)]).toEqual([10, 8, 7, 4]);
    const file = join(slave.ctx.config.storePathRootDir, 'config', 'consumerOffset.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).offsetTable['T@G']).toEqual({ 0: 10, 1: 8 });
  });

  it('merges delay offsets by maximum per level and rewrites delayOffset.json', async () => {
    await master.send('Later', ['a', 'b'], { DELAY: '1' });
    await until(() => master.ctx.schedule.offsets.get(1) === 2, 'the master to deliver level 1');
    slave.ctx.schedule.offsets.set(1, 1);
    slave.ctx.schedule.offsets.set(2, 4);
    expect((await synchronizer().syncAll()).failed).toEqual({});
    expect(slave.ctx.schedule.offsets.get(1)).toBe(2);
    expect(slave.ctx.schedule.offsets.get(2)).toBe(4);
    const file = join(slave.ctx.config.storePathRootDir, 'config', 'delayOffset.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).offsetTable).toMatchObject({ 1: 2, 2: 4 });
  });

  it("replaces the subscription groups when the master's DataVersion differs", async () => {
    master.ctx.groups.upsert(newSubscriptionGroupConfig('Slowly'));
    master.ctx.groups.upsert({ ...newSubscriptionGroupConfig('Slowly'), brokerId: 1 });
    // Two changes on the master against one on the slave: their DataVersions differ even when
    // both were made in the same millisecond.
    slave.ctx.groups.upsert(newSubscriptionGroupConfig('SlaveOnly'));
    expect((await synchronizer().syncAll()).failed).toEqual({});
    expect(slave.ctx.groups.all().map((g) => g.groupName)).toEqual(['Slowly']);
    expect(slave.ctx.groups.all()[0]).toMatchObject({
      brokerId: 1,
      whichBrokerWhenConsumeSlowly: 1,
    });
    expect(slave.ctx.groups.dataVersion).toMatchObject(master.ctx.groups.dataVersion);
  });

  it("learns the master's commit-log head for its retention", async () => {
    expect(slave.ctx.store.cleanService.followedMasterMinOffset).toBe(-1);
    expect((await synchronizer().syncAll()).failed).toEqual({});
    expect(slave.ctx.store.cleanService.followedMasterMinOffset).toBe(
      master.ctx.store.minPhyOffset,
    );
  });

  it('a master with no offsets yet is not a failure; an unknown master is not asked', async () => {
    expect((await synchronizer().syncAll()).failed).toEqual({});
    const { topics, groups, offsets, schedule, store } = slave.ctx;
    const none = new SlaveSynchronize({
      topics,
      groups,
      offsets,
      schedule,
      clean: store.cleanService,
      client: { invoke: () => Promise.reject(new Error('must not be asked')) },
      masterAddr: () => undefined,
      log: silentLogger(),
    });
    expect(await none.syncAll()).toEqual({ master: undefined, failed: {} });
  });
});
