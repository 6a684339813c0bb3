// The sync bodies as a Java 4.9.8 master writes them (golden/, fastjson's unquoted integer keys),
// read by the decoders and applied by SlaveSynchronize to a real slave; and a master that fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import { silentLogger } from '../../common/logger.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { type InProcessBroker, withInProcessBroker } from '../in-process-broker.fixture.js';
import { SlaveSynchronize } from './slave-synchronize.js';
import {
  decodeCommitLogMinOffset,
  decodeConsumerOffsetWrapper,
  decodeDelayOffsetTable,
  decodeSubscriptionGroups,
  decodeTopicConfigWrapper,
} from './sync-bodies.js';

const golden = (name: string) =>
  readFileSync(join(import.meta.dirname, 'golden', `java-4.9.8-${name}.txt`));

const JAVA_MASTER: Record<number, string> = {
  [RequestCode.GET_ALL_TOPIC_CONFIG]: 'get-all-topic-config',
  [RequestCode.GET_ALL_CONSUMER_OFFSET]: 'get-all-consumer-offset',
  [RequestCode.GET_ALL_DELAY_OFFSET]: 'get-all-delay-offset',
  [RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG]: 'get-all-subscriptiongroup-config',
  [RequestCode.GET_BROKER_RUNTIME_INFO]: 'get-broker-runtime-info',
};

const SLAVE = { brokerName: 'broker-a', brokerId: 1, brokerRole: 'SLAVE' } as const;

function sync(
  slave: InProcessBroker,
  invoke: (addr: string, cmd: RemotingCommand) => Promise<RemotingCommand>,
  log: Logger = silentLogger(),
): SlaveSynchronize {
  const { topics, groups, offsets, schedule, store } = slave.ctx;
  return new SlaveSynchronize({
    topics,
    groups,
    offsets,
    schedule,
    clean: store.cleanService,
    client: { invoke },
    masterAddr: () => '127.0.0.1:10911',
    log,
  });
}

describe('bodies of a Java master', () => {
  it('reads each golden body, unquoted integer keys included', () => {
    const t = decodeTopicConfigWrapper(golden('get-all-topic-config'));
    expect(t.dataVersion).toMatchObject({ counter: 3, timestamp: 1_700_000_000_123 });
    expect(t.topics.find((x) => x.topicName === 'TopicTest')).toMatchObject({
      readQueueNums: 4,
      perm: 6,
      attributes: {},
    });
    const o = decodeConsumerOffsetWrapper(golden('get-all-consumer-offset'));
    expect(o.get('TopicTest@please_rename_unique_group_name_4')).toEqual(
      new Map([
        [0, 250],
        [1, 249],
        [2, 250],
        [3, 250],
      ]),
    );
    expect(decodeDelayOffsetTable(golden('get-all-delay-offset'))).toEqual(
      new Map([
        [1, 12],
        [2, 3],
        [3, 0],
      ]),
    );
    const g = decodeSubscriptionGroups(golden('get-all-subscriptiongroup-config'));
    expect(g.groups.map((x) => x.groupName)).toEqual(['please_rename_unique_group_name_4']);
    expect(decodeCommitLogMinOffset(golden('get-broker-runtime-info'))).toBe(1_073_741_824);
  });

  it('refuses a body without its table rather than applying half of one', () => {
    expect(() =>
      decodeConsumerOffsetWrapper(Buffer.from('{"offsetTable":{"T@G":{0:-1}}}')),
    ).toThrow(/not a queue offset/);
    expect(() => decodeTopicConfigWrapper(Buffer.from('{"dataVersion":{}}'))).toThrow(
      /topicConfigTable/,
    );
  });

  it('a slave synced from a Java master holds its topics, offsets, delays, groups', async () => {
    await withInProcessBroker(SLAVE, async (slave) => {
      const round = await sync(slave, async (_addr, cmd) => {
        const name = JAVA_MASTER[cmd.code];
        if (!name) return createResponse(cmd, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, 'no');
        return createResponse(cmd, ResponseCode.SUCCESS, undefined, {}, golden(name));
      }).syncAll();
      expect(round.failed).toEqual({});
      const { topics, offsets, schedule, groups, store } = slave.ctx;
      expect(topics.get('TopicTest')).toMatchObject({ writeQueueNums: 4 });
      expect(offsets.queryOffset('please_rename_unique_group_name_4', 'TopicTest', 1)).toBe(249);
      expect(schedule.offsets.get(1)).toBe(12);
      expect(groups.all().map((x) => x.groupName)).toEqual(['please_rename_unique_group_name_4']);
      expect(store.cleanService.followedMasterMinOffset).toBe(1_073_741_824);
    });
  });
});

describe('a master that fails', () => {
  it('logs one warning per failing streak, keeps what the slave had, and recovers', async () => {
    await withInProcessBroker(SLAVE, async (slave) => {
      slave.ctx.offsets.commitOffset('G', 'T', 0, 5);
      const warns: string[] = [];
      const infos: string[] = [];
      const log: Logger = {
        ...silentLogger(),
        warn: (_o, m) => warns.push(m ?? ''),
        info: (_o, m) => infos.push(m ?? ''),
        child: () => log,
      };
      let up = false;
      const s = sync(
        slave,
        async (_addr, cmd) => {
          if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:10909');
          return createResponse(
            cmd,
            ResponseCode.SUCCESS,
            undefined,
            {},
            golden(JAVA_MASTER[cmd.code]!),
          );
        },
        log,
      );
      for (let i = 0; i < 3; i++) {
        const r = await s.syncAll();
        expect(Object.keys(r.failed)).toHaveLength(5);
      }
      expect(warns).toHaveLength(1);
      expect(slave.ctx.offsets.queryOffset('G', 'T', 0)).toBe(5);
      up = true;
      expect((await s.syncAll()).failed).toEqual({});
      expect(infos).toContain('slave sync from the master works again');
      expect(warns).toHaveLength(1);
    });
  });
});
