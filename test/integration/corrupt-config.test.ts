// The broker's metadata files damaged on disk between runs: topics.json cut in half,
// consumerOffset.json overwritten with garbage, subscriptionGroup.json emptied. The broker loads
// each from its .bak copy (RocketMQ's ConfigManager#loadBak) and serves as before; with the backup
// damaged too it refuses to start and names the file, as RocketMQ does, instead of starting empty.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';

const cluster = useCluster();

const configFile = (name: string) => join(cluster.storeDir, 'config', name);

function setConf(key: string, value: string): void {
  const lines = readFileSync(cluster.broker.confPath, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith(`${key}=`));
  writeFileSync(cluster.broker.confPath, `${lines.join('\n')}\n${key}=${value}\n`);
}

async function queryOffset(group: string, topic: string, queueId: number) {
  const r = await cluster.raw.call(RequestCode.QUERY_CONSUMER_OFFSET, {
    consumerGroup: group,
    topic,
    queueId,
  });
  return { code: r.code, offset: Number(r.extFields.offset ?? -1) };
}

describe('corrupt broker config files', () => {
  it('loads topics, offsets and groups from the .bak copies, and refuses to start when both copies are bad', async () => {
    const topic = uniqueName('Cfg');
    const group = uniqueName('CfgGroup');
    await cluster.createTopic(topic, 2);
    // A second topic, so topics.json is rewritten and the first version becomes topics.json.bak.
    await cluster.createTopic(uniqueName('CfgOther'), 1);
    for (let i = 0; i < 5; i++) expect((await cluster.raw.send(topic, 1, `m${i}`)).code).toBe(0);
    // A pull auto-creates the group; commits land in consumerOffset.json at the flush or on stop.
    const pulled = await cluster.raw.pull(topic, group, 1, 0, { subscription: '*' });
    expect(pulled.code).toBe(ResponseCode.SUCCESS);
    // A second group rewrites subscriptionGroup.json, so its .bak holds the first one.
    await cluster.raw.pull(topic, uniqueName('CfgGroup2'), 1, 0, { subscription: '*' });
    const commit = await cluster.raw.call(RequestCode.UPDATE_CONSUMER_OFFSET, {
      consumerGroup: group,
      topic,
      queueId: 1,
      commitOffset: 3,
    });
    expect(commit.code).toBe(ResponseCode.SUCCESS);
    // Each graceful stop writes the offsets; after two the .bak copy holds them as well.
    await cluster.broker.restart();
    await cluster.broker.restart();
    await cluster.broker.kill();

    const topics = configFile('topics.json');
    truncateSync(topics, Math.floor(readFileSync(topics).length / 2)); // a torn write
    writeFileSync(configFile('consumerOffset.json'), Buffer.from([0x7b, 0x00, 0xff, 0x13, 0x22]));
    writeFileSync(configFile('subscriptionGroup.json'), '');
    // Without auto-creation a group only exists if subscriptionGroup.json(.bak) had it.
    setConf('autoCreateSubscriptionGroup', 'false');
    setConf('autoCreateTopicEnable', 'false');
    await cluster.broker.restart();

    const tc = await cluster.raw.call(RequestCode.GET_TOPIC_CONFIG, { topic });
    expect(tc.code, tc.remark).toBe(ResponseCode.SUCCESS);
    expect(JSON.parse(tc.body?.toString() ?? '{}')).toMatchObject({
      topicName: topic,
      readQueueNums: 2,
    });
    expect(await queryOffset(group, topic, 1)).toEqual({ code: ResponseCode.SUCCESS, offset: 3 });
    const again = await cluster.raw.pull(topic, group, 1, 3, { subscription: '*' });
    expect(again.code).toBe(ResponseCode.SUCCESS);
    expect(again.msgs.map((m) => m.body.toString())).toEqual(['m3', 'm4']);
    const unknown = await cluster.raw.pull(topic, uniqueName('NoSuchGroup'), 1, 0, {
      subscription: '*',
    });
    expect(unknown.code).toBe(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);

    // Both copies of consumerOffset.json damaged: no silent start with every offset forgotten.
    await cluster.broker.kill();
    writeFileSync(configFile('consumerOffset.json'), 'garbage');
    writeFileSync(configFile('consumerOffset.json.bak'), '{"offsetTable": ');
    await expect(cluster.broker.restart()).rejects.toThrow(/cannot load \S*consumerOffset\.json: /);
    // A readable file again (here: an empty table) and the broker starts.
    writeFileSync(configFile('consumerOffset.json'), '{"offsetTable":{}}');
    await cluster.broker.restart();
    expect((await queryOffset(group, topic, 1)).offset).not.toBe(3);
  });
});
