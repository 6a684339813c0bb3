// The SDK's answers to a broker's forwarded 307 and 309: the ConsumerRunningInfo a push consumer
// reports (properties Java's tools read, subscriptions, one ProcessQueueInfo per owned queue in
// MessageQueue order) and a direct consumption that reports the listener's answer.
import { describe, expect, it } from 'vitest';
import type { MessageExt } from '../../message/message.js';
import { encodeRecord } from '../../message/record-codec.js';
import {
  decodeConsumeMessageDirectlyResult,
  decodeConsumerRunningInfo,
} from '../../protocol/bodies/consumer-running-info.js';
import { createRequest } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { MessageListener } from './consume-concurrently.js';
import {
  answerConsumerAdminRequest,
  type ConsumerAdminSource,
  consumeMessageDirectly,
  consumerRunningInfo,
} from './consumer-running-info.js';
import { ConsumerStats } from './consumer-stats.js';
import { ProcessQueue } from './process-queue.js';

const msg = (queueOffset: number, body = 'x'): MessageExt =>
  ({ queueOffset, body: Buffer.from(body) }) as MessageExt;

function source(processQueues: ProcessQueue[], stats = new ConsumerStats()) {
  return {
    group: 'G',
    namesrvAddr: '127.0.0.1:9876',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    orderly: false,
    consumeThreadMax: 20,
    startTimestamp: 1234,
    subscriptions: new Map([
      ['T', { subString: 'a || b', tagsSet: ['a', 'b'], codeSet: [97, 98], subVersion: 5 }],
    ]),
    processQueues,
    consumeStatus: (topic: string) => stats.consumeStatus(topic),
  };
}

describe('consumerRunningInfo', () => {
  it('reports properties, subscriptions and each owned queue in MessageQueue order', () => {
    const q1 = new ProcessQueue({ topic: 'T', brokerName: 'broker-b', queueId: 0 }, 10);
    q1.nextOffset = 13;
    q1.add(msg(11, 'hello'));
    q1.add(msg(12));
    const q0 = new ProcessQueue({ topic: 'T', brokerName: 'broker-a', queueId: 1 }, 4);
    const info = consumerRunningInfo(source([q1, q0]));
    expect(info.properties).toMatchObject({
      consumerGroup: 'G',
      messageModel: 'CLUSTERING',
      PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY',
      PROP_CONSUMEORDERLY: 'false',
      PROP_THREADPOOL_CORE_SIZE: '20',
      PROP_CONSUMER_START_TIMESTAMP: '1234',
      PROP_NAMESERVER_ADDR: '127.0.0.1:9876',
    });
    expect(info.subscriptionSet).toEqual([
      expect.objectContaining({ topic: 'T', subString: 'a || b', expressionType: 'TAG' }),
    ]);
    expect(info.mqTable.map((e) => e.mq.brokerName)).toEqual(['broker-a', 'broker-b']);
    expect(info.mqTable[0]!.info).toMatchObject({ commitOffset: 4, cachedMsgCount: 0 });
    expect(info.mqTable[1]!.info).toMatchObject({
      commitOffset: 11,
      cachedMsgMinOffset: 11,
      cachedMsgMaxOffset: 12,
      cachedMsgCount: 2,
      locked: false,
      droped: false,
    });
    expect(info.mqTable[1]!.info.lastPullTimestamp).toBeGreaterThan(0);
    expect(info.jstack).toBe('');
  });

  it("reports each subscribed topic's RT and TPS figures in statusTable", () => {
    const now = 1_000_000;
    const stats = new ConsumerStats(() => now);
    stats.pulled('T', 40, 8);
    stats.pulled('T', 20, 2);
    stats.consumed('T', 6, 9, 1);
    stats.pulled('Other', 1, 1);
    const info = consumerRunningInfo(source([], stats));
    expect(Object.keys(info.statusTable)).toEqual(['T']);
    expect(info.statusTable.T).toEqual({
      pullRT: 30,
      pullTPS: 10,
      consumeRT: 6,
      consumeOKTPS: 9,
      consumeFailedTPS: 1,
      consumeFailedMsgs: 1,
    });
  });
});

describe('consumeMessageDirectly', () => {
  const m = { topic: 'T', queueId: 2, properties: {}, body: Buffer.from('b') } as MessageExt;
  const run = (listener: MessageListener) => consumeMessageDirectly(listener, false, m, 'bk');

  it('maps the listener answer to CR_* and hands it the message and its queue', async () => {
    let seen: unknown;
    const ok = await run((msgs, ctx) => {
      seen = [msgs[0]?.topic, ctx.queue];
      return 'CONSUME_SUCCESS';
    });
    expect(ok).toMatchObject({ consumeResult: 'CR_SUCCESS', order: false, autoCommit: true });
    expect(seen).toEqual(['T', { topic: 'T', brokerName: 'bk', queueId: 2 }]);
    expect((await run(() => 'RECONSUME_LATER')).consumeResult).toBe('CR_LATER');
    expect((await run(() => undefined)).consumeResult).toBe('CR_RETURN_NULL');
    const thrown = await run(() => {
      throw new Error('boom');
    });
    expect(thrown.consumeResult).toBe('CR_THROW_EXCEPTION');
    expect(thrown.remark).toContain('boom');
  });
});

describe('answerConsumerAdminRequest', () => {
  const admin: ConsumerAdminSource = {
    group: 'G',
    runningInfo: () => consumerRunningInfo(source([])),
    consumeDirectly: (message) =>
      consumeMessageDirectly(() => 'CONSUME_SUCCESS', false, message, 'b'),
  };

  it('answers 307 with the body and 309 with the result, under the request opaque', async () => {
    const r307 = createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, 9, { consumerGroup: 'G' });
    const res = await answerConsumerAdminRequest(r307, [admin]);
    expect(res).toMatchObject({ code: ResponseCode.SUCCESS, opaque: 9 });
    expect(decodeConsumerRunningInfo(res.body!).properties.consumerGroup).toBe('G');
    const record = encodeRecord({
      topic: 'T',
      queueId: 0,
      flag: 0,
      body: Buffer.from('hi'),
      properties: {},
      sysFlag: 0,
      bornTimestamp: 1,
      bornHost: '127.0.0.1:1',
      storeHost: '127.0.0.1:10911',
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
    }).bytes;
    const r309 = createRequest(
      RequestCode.CONSUME_MESSAGE_DIRECTLY,
      10,
      { consumerGroup: 'G' },
      record,
    );
    const direct = await answerConsumerAdminRequest(r309, [admin]);
    expect(direct.code).toBe(ResponseCode.SUCCESS);
    expect(decodeConsumeMessageDirectlyResult(direct.body!).consumeResult).toBe('CR_SUCCESS');
  });

  it('answers SYSTEM_ERROR naming a group this client does not consume for', async () => {
    const req = createRequest(RequestCode.GET_CONSUMER_RUNNING_INFO, 1, { consumerGroup: 'X' });
    const res = await answerConsumerAdminRequest(req, [admin]);
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe('The Consumer Group <X> not exist in this consumer');
  });
});
