// Dead letters through the admin API and mqadmin: a message sent back with delayLevel -1 lands
// in %DLQ%<group>; queryDlqMessages lists it with its original topic, and resendDlqMessage puts a
// copy into %RETRY%<group> (reconsumeTimes 0, body and keys intact) for that group alone.
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { waitForAsync } from '../harness/topics.js';

const logger = silentLogger();

const cluster = useCluster();

describe('dead letters', () => {
  it('are listed with their origin and resent to their group', async () => {
    const raw = cluster.raw;
    const topic = uniqueName('Payments');
    const group = uniqueName('Billing');
    await cluster.createTopic(topic, 1);
    expect((await raw.send(topic, 0, '付款 42', { KEYS: 'order-42' })).code).toBe(0);
    const [m] = (await raw.pull(topic, group, 0, 0, { subscription: '*' })).msgs;
    const back = await raw.call(RequestCode.CONSUMER_SEND_MSG_BACK, {
      offset: m!.commitLogOffset,
      group,
      delayLevel: -1,
      originMsgId: m!.properties.UNIQ_KEY ?? m!.offsetMsgId,
      originTopic: topic,
      unitMode: false,
    });
    expect(back.code).toBe(0);

    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    try {
      let dead: Awaited<ReturnType<AdminClient['queryDlqMessages']>> = [];
      await waitForAsync(
        async () => {
          dead = await admin.queryDlqMessages(group).catch(() => []);
          return dead.length === 1;
        },
        15_000,
        'the dead letter to be listed (route of %DLQ% registered)',
      );
      expect(dead[0]!.body.toString()).toBe('付款 42');
      expect(dead[0]!.properties.RETRY_TOPIC).toBe(topic);
      expect(dead[0]!.properties.KEYS).toBe('order-42');

      const cli = await runBin('mqadmin', ['queryDlqMsg', '-n', cluster.namesrvAddr, '-g', group]);
      expect(cli.code).toBe(0);
      expect(cli.stdout).toContain(dead[0]!.offsetMsgId);
      expect(cli.stdout).toContain(topic);

      const cliResend = await runBin('mqadmin', [
        'resendDlqMsg',
        '-n',
        cluster.namesrvAddr,
        '-g',
        group,
        '-i',
        dead[0]!.offsetMsgId,
        '--json',
      ]);
      expect(cliResend.code, cliResend.stderr).toBe(0);
      const resent = (JSON.parse(cliResend.stdout) as { msgId: string }).msgId;
      expect(resent).toMatch(/^[0-9A-F]{32}$/);
      const r = await raw.pull(`%RETRY%${group}`, group, 0, 0, { subscription: '*' });
      expect(r.msgs).toHaveLength(1);
      const copy = r.msgs[0]!;
      expect(copy.body.toString()).toBe('付款 42');
      expect(copy.reconsumeTimes).toBe(0);
      expect(copy.properties).toMatchObject({ RETRY_TOPIC: topic, KEYS: 'order-42' });
      expect(copy.properties.UNIQ_KEY).toBe(m!.properties.UNIQ_KEY);

      await expect(admin.resendDlqMessage('SomeOtherGroup', dead[0]!.offsetMsgId)).rejects.toThrow(
        /not in the dead letters of SomeOtherGroup/,
      );
    } finally {
      admin.close();
    }
  }, 60_000);
});
