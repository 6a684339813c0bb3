// Half messages through the admin client and mqadmin, against real processes: a pending half is
// listed with its topic and group, forced to commit (mqadmin finding its broker) and delivered; a half whose producer never
// answers its checks is discarded after transactionCheckMax, listed as discarded, and resumed to
// be checked again (RESUME_CHECK_HALF_MESSAGE).
import { describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/client/admin.js';
import type { HalfMessage } from '../../src/client/impl/transaction-admin.js';
import { silentLogger } from '../../src/common/logger.js';
import { MessageSysFlag } from '../../src/message/message.js';
import { createRequest } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { RemotingClient } from '../../src/remoting/remoting-client.js';
import { useCluster } from '../harness/cluster.js';
import { uniqueName } from '../harness/processes.js';
import { runBin } from '../harness/run-bin.js';
import { waitForAsync } from '../harness/topics.js';

const logger = silentLogger();
// Small check timings so a half is discarded within the test; the test waits for the effect.
const cluster = useCluster({
  brokerConfig: { transactionTimeOut: 100, transactionCheckInterval: 200, transactionCheckMax: 1 },
});

async function sendHalf(topic: string, body: string, group: string): Promise<string> {
  const r = await cluster.raw.send(
    topic,
    0,
    body,
    { TRAN_MSG: 'true', PGROUP: group },
    { producerGroup: group, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE },
  );
  expect(r.code, r.remark).toBe(ResponseCode.SUCCESS);
  return r.extFields.transactionId!;
}

async function bodies(topic: string): Promise<string[]> {
  const r = await cluster.raw.pull(topic, 'TxAdminReader', 0, 0, { subscription: '*' });
  return r.msgs.map((m) => m.body.toString());
}

describe('transaction admin', () => {
  it('lists a pending half, forces its commit, and resumes a discarded one', async () => {
    const topic = uniqueName('TxAdmin');
    await cluster.createTopic(topic, 1);
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    const addr = cluster.brokerAddr;
    const halves = async () => (await admin.queryHalfMessages(addr, topic)).halfMessages;
    try {
      // No producer of this group is connected: never checked, so it stays pending.
      const quiet = uniqueName('QuietGroup');
      const pendingTx = await sendHalf(topic, 'forced', quiet);
      const listed = await halves();
      expect(listed).toMatchObject([
        { state: 'pending', topic, producerGroup: quiet, transactionId: pendingTx },
      ]);
      const cli = await runBin('mqadmin', ['queryHalfMsg', '-n', cluster.namesrvAddr, '-b', addr]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toContain(pendingTx);
      // No -b: the broker holding the half is found through the name server.
      const notHeld = await runBin('mqadmin', [
        'endHalfMsg',
        '-n',
        cluster.namesrvAddr,
        '-t',
        topic,
        '-i',
        'NO_SUCH_TRANSACTION',
        '--commit',
      ]);
      expect(notHeld.code).not.toBe(0);
      expect(notHeld.stderr).toContain(`no broker of ${addr} lists`);
      const end = await runBin('mqadmin', [
        'endHalfMsg',
        '-n',
        cluster.namesrvAddr,
        '-i',
        pendingTx,
        '--commit',
      ]);
      expect(end.code, end.stderr).toBe(0);
      expect(end.stdout).toContain(`transaction ${pendingTx} committed on ${addr}`);
      await waitForAsync(async () => (await bodies(topic)).length > 0, 30_000, 'the commit');
      expect(await bodies(topic)).toEqual(['forced']);
      expect(await halves()).toEqual([]);

      // A producer that joins the group and never answers: checked once, then discarded.
      const group = uniqueName('DeafGroup');
      const producer = new RemotingClient(logger, () => undefined);
      let discarded: HalfMessage | undefined;
      try {
        const hb = { clientID: `deaf-${group}`, producerDataSet: [{ groupName: group }] };
        const joined = await producer.invoke(
          addr,
          createRequest(RequestCode.HEART_BEAT, 0, {}, Buffer.from(JSON.stringify(hb))),
          10_000,
        );
        expect(joined.code).toBe(ResponseCode.SUCCESS);
        const lateTx = await sendHalf(topic, 'late', group);
        await waitForAsync(
          async () => {
            discarded = (await halves()).find(
              (h) => h.transactionId === lateTx && h.state === 'discarded',
            );
            return discarded !== undefined;
          },
          30_000,
          'the unanswered half to be discarded',
        );
        const { counters } = await admin.queryHalfMessages(addr, topic);
        expect(counters).toMatchObject([{ topic, committed: 1, discarded: 1, checksSent: 1 }]);
        const resume = await runBin('mqadmin', [
          'resumeCheckHalfMessage',
          '-n',
          cluster.namesrvAddr,
          '-i',
          discarded!.offsetMsgId,
        ]);
        expect(resume.code, resume.stderr).toBe(0);
        // Checked once before its discard; resumed, it is checked again.
        await waitForAsync(
          async () => {
            const c = (await admin.queryHalfMessages(addr, topic)).counters;
            return (c[0]?.checksSent ?? 0) >= 2;
          },
          30_000,
          'the resumed half to be checked again',
        );
        // Resumed, then forced to roll back: never delivered, no longer listed.
        await admin.endHalfMessage(addr, lateTx, false);
        expect(await halves()).toEqual([]);
        expect(await bodies(topic)).toEqual(['forced']);
      } finally {
        producer.close();
      }
      const bad = await runBin('mqadmin', ['endHalfMsg', '-n', cluster.namesrvAddr, '-b', addr]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/missing -i/);
    } finally {
      admin.close();
    }
  });

  it('endHalfMsg and resumeCheckHalfMessage answer with one JSON document under --json', async () => {
    const topic = uniqueName('TxAdminJson');
    await cluster.createTopic(topic, 1);
    const admin = new AdminClient({ namesrvAddr: cluster.namesrvAddr, logger });
    const addr = cluster.brokerAddr;
    const mqadmin = (...args: string[]) =>
      runBin('mqadmin', [args[0]!, '-n', cluster.namesrvAddr, ...args.slice(1)]);
    const halves = async () => (await admin.queryHalfMessages(addr, topic)).halfMessages;
    try {
      const pendingTx = await sendHalf(topic, 'rolled', uniqueName('QuietJsonGroup'));
      const listed = await mqadmin('queryHalfMsg', '-b', addr, '-t', topic, '--json');
      expect(listed.code, listed.stderr).toBe(0);
      expect(JSON.parse(listed.stdout)[addr].halfMessages).toMatchObject([
        { transactionId: pendingTx, state: 'pending', topic },
      ]);

      const both = await mqadmin('endHalfMsg', '-i', pendingTx, '--commit', '--rollback', '--json');
      expect(both.code).toBe(1);
      expect(both.stdout).toBe('');
      expect(both.stderr.trim()).toBe(
        'mqadmin: endHalfMsg needs exactly one of --commit or --rollback',
      );

      // No -b: found through -t's route; the answer is the JSON document alone.
      const end = await mqadmin('endHalfMsg', '-t', topic, '-i', pendingTx, '--rollback', '--json');
      expect(end.code, end.stderr).toBe(0);
      expect(end.stderr).toBe('');
      expect(JSON.parse(end.stdout)).toEqual({
        transactionId: pendingTx,
        brokerAddr: addr,
        decision: 'ROLLBACK',
        remark: '',
      });
      expect(await halves()).toEqual([]);
      expect(await bodies(topic)).toEqual([]);

      // A producer that never answers its check: the half is discarded, then resumed.
      const group = uniqueName('DeafJsonGroup');
      const producer = new RemotingClient(logger, () => undefined);
      try {
        const hb = { clientID: `deaf-${group}`, producerDataSet: [{ groupName: group }] };
        const joined = await producer.invoke(
          addr,
          createRequest(RequestCode.HEART_BEAT, 0, {}, Buffer.from(JSON.stringify(hb))),
          10_000,
        );
        expect(joined.code).toBe(ResponseCode.SUCCESS);
        const lateTx = await sendHalf(topic, 'late', group);
        let discarded: HalfMessage | undefined;
        await waitForAsync(
          async () => {
            discarded = (await halves()).find(
              (h) => h.transactionId === lateTx && h.state === 'discarded',
            );
            return discarded !== undefined;
          },
          30_000,
          'the unanswered half to be discarded',
        );
        const msgId = discarded!.offsetMsgId;
        const resume = await mqadmin(
          'resumeCheckHalfMessage',
          '-i',
          msgId,
          '-t',
          topic,
          '-b',
          addr,
          '--json',
        );
        expect(resume.code, resume.stderr).toBe(0);
        expect(resume.stderr).toBe('');
        expect(JSON.parse(resume.stdout)).toEqual({ msgId, brokerAddr: addr, remark: '' });
        await waitForAsync(
          async () =>
            ((await admin.queryHalfMessages(addr, topic)).counters[0]?.checksSent ?? 0) >= 2,
          30_000,
          'the resumed half to be checked again',
        );
        const badId = await mqadmin('resumeCheckHalfMessage', '-i', 'not-an-id', '--json');
        expect(badId.code).toBe(1);
        expect(badId.stdout).toBe('');
        expect(badId.stderr.trim()).toBe(
          "mqadmin: -i must be an offset message id, got 'not-an-id'",
        );
        const rolled = await mqadmin(
          'endHalfMsg',
          '-b',
          addr,
          '-i',
          lateTx,
          '--rollback',
          '--json',
        );
        expect(JSON.parse(rolled.stdout)).toMatchObject({
          transactionId: lateTx,
          decision: 'ROLLBACK',
        });
        expect(await halves()).toEqual([]);
      } finally {
        producer.close();
      }
    } finally {
      admin.close();
    }
  });
});
