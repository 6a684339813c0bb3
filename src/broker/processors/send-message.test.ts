// SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE against an in-process broker: what is stored, the
// response header RocketMQ's SendMessageProcessor answers with, and its msgCheck refusals.
import { describe, expect, it } from 'vitest';
import { PERM_READ } from '../../common/perm.js';
import { encodeBatch } from '../../message/batch-codec.js';
import { decodeRecords } from '../../message/record-codec.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import {
  brokerPerTest,
  type InProcessBroker,
  sendFields,
  withInProcessBroker,
} from '../in-process-broker.fixture.js';
import { newTopicConfig } from '../managers/topic-config-manager.js';

const h = brokerPerTest({ maxMessageSize: 1024 }, () => {
  h.createTopic('Orders', 2);
});

/** A SEND_MESSAGE_V2 of `body`, to the per-test broker unless another is named. */
const send = (fields: Record<string, string | number>, body = 'hello', on: InProcessBroker = h) =>
  on.request(RequestCode.SEND_MESSAGE_V2, fields, Buffer.from(body));

describe('SEND_MESSAGE_V2', () => {
  it('stores the message and answers msgId, queueId, queueOffset and the UNIQ_KEY', async () => {
    const first = await send(sendFields('Orders', { TAGS: 'TagA' }, 1));
    const second = await send(sendFields('Orders', {}, 1));
    expect(first.code).toBe(ResponseCode.SUCCESS);
    expect(first.extFields).toMatchObject({ queueId: '1', queueOffset: '0', TRACE_ON: 'true' });
    expect(second.extFields.queueOffset).toBe('1');
    expect(first.extFields.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(first.extFields.transactionId).toMatch(/^[0-9A-F]{32}$/);
    const r = h.ctx.store.getMessage('Orders', 1, 0, 1);
    const [stored] = decodeRecords(Buffer.concat(r.buffers));
    expect(stored?.body.toString()).toBe('hello');
    expect(stored?.properties).toMatchObject({
      TAGS: 'TagA',
      UNIQ_KEY: first.extFields.transactionId,
      CLUSTER: h.ctx.config.brokerClusterName,
    });
    expect(stored?.offsetMsgId).toBe(first.extFields.msgId);
  });

  it('answers TOPIC_NOT_EXIST for an unknown topic when auto-creation is off', async () => {
    await withInProcessBroker({ autoCreateTopicEnable: false }, async (off) => {
      const res = await send(sendFields('Nowhere'), 'x', off);
      expect(res.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      expect(res.remark).toContain('topic[Nowhere] not exist, apply first please!');
      expect(off.ctx.topics.get('Nowhere')).toBeUndefined();
    });
  });

  it('creates an unknown topic through TBW102 when auto-creation is on', async () => {
    const res = await send(sendFields('Fresh'));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(h.ctx.topics.get('Fresh')?.writeQueueNums).toBe(4);
  });

  it('refuses an illegal topic name with INVALID_PARAMETER and stores nothing', async () => {
    const res = await send(sendFields('bad topic!'));
    expect(res.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(res.remark).toContain('contains illegal characters');
    expect(h.ctx.topics.get('bad topic!')).toBeUndefined();
    expect(h.ctx.store.getMaxOffsetInQueue('bad topic!', 0)).toBe(0);
  });

  it('refuses a body over maxMessageSize with MESSAGE_ILLEGAL', async () => {
    const res = await send(sendFields('Orders'), 'x'.repeat(2048));
    expect(res.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(h.ctx.store.getMaxOffsetInQueue('Orders', 0)).toBe(0);
  });

  it('answers NO_PERMISSION for a read-only topic, a read-only broker and a system topic', async () => {
    h.ctx.topics.createOrUpdate(newTopicConfig('ReadOnly', 1, PERM_READ));
    const topic = await send(sendFields('ReadOnly'));
    expect(topic.code).toBe(ResponseCode.NO_PERMISSION);
    expect(topic.remark).toContain('the topic[ReadOnly] sending message is forbidden');
    const system = await send(sendFields('SCHEDULE_TOPIC_XXXX'));
    expect(system.code).toBe(ResponseCode.NO_PERMISSION);
    await withInProcessBroker({ brokerPermission: PERM_READ }, async (ro) => {
      ro.createTopic('Orders');
      const res = await send(sendFields('Orders'), 'x', ro);
      expect(res.code).toBe(ResponseCode.NO_PERMISSION);
      expect(res.remark).toContain('sending message is forbidden');
    });
  });

  it('refuses a queueId past the topic queues with INVALID_PARAMETER', async () => {
    const res = await send(sendFields('Orders', {}, 2));
    expect(res.code).toBe(ResponseCode.INVALID_PARAMETER);
    expect(res.remark).toContain('request queueId[2] is illegal');
  });

  it('answers a header without its required fields with the error of the missing field', async () => {
    const res = await h.request(RequestCode.SEND_MESSAGE_V2, { a: 'PG', e: 0 }, Buffer.from('x'));
    expect(res.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(res.remark).toBe("the request header field 'b' is missing; check the client version");
  });
});

describe('SEND_BATCH_MESSAGE', () => {
  const batch = (n: number) =>
    encodeBatch(
      Array.from({ length: n }, (_, i) => ({
        flag: 0,
        body: Buffer.from(`m${i}`),
        properties: { KEYS: `k${i}` },
      })),
    );

  /** SEND_BATCH_MESSAGE: V2 fields with m (batch) set. */
  const sendBatch = (topic: string, body: Buffer) =>
    h.request(RequestCode.SEND_BATCH_MESSAGE, { ...sendFields(topic), m: 'true' }, body);

  it('stores every message in order and answers the comma-joined msgIds', async () => {
    const res = await sendBatch('Orders', batch(3));
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.extFields.msgId?.split(',')).toHaveLength(3);
    expect(res.extFields).toMatchObject({ queueId: '0', queueOffset: '0' });
    const r = h.ctx.store.getMessage('Orders', 0, 0, 32);
    expect(decodeRecords(Buffer.concat(r.buffers)).map((m) => m.body.toString())).toEqual([
      'm0',
      'm1',
      'm2',
    ]);
  });

  it('refuses a batch to a %RETRY% topic and a malformed batch body with MESSAGE_ILLEGAL', async () => {
    const retry = await sendBatch('%RETRY%G', batch(1));
    expect(retry.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(retry.remark).toBe('batch request does not support retry group topic');
    const garbage = await sendBatch('Orders', Buffer.from([0, 0, 0, 99, 1]));
    expect(garbage.code).toBe(ResponseCode.MESSAGE_ILLEGAL);
    expect(garbage.remark).toContain('malformed batch body');
  });
});

describe('dispatch', () => {
  it('answers REQUEST_CODE_NOT_SUPPORTED for a code no processor serves', async () => {
    const res = await h.request(999_999);
    expect(res.code).toBe(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  });
});

describe('send queue places', () => {
  it('gives back every place, whether the send was stored, refused or a batch', async () => {
    const results = await Promise.all([
      send(sendFields('Orders', {}, 0)),
      send(sendFields('Orders', {}, 1)),
      send(sendFields('bad/topic')),
      send(sendFields('Orders', { DELAY: '99' })),
      send(sendFields('Orders'), 'x'.repeat(2000)),
      h.request(
        RequestCode.SEND_BATCH_MESSAGE,
        { ...sendFields('Orders'), m: 'true' },
        encodeBatch([{ flag: 0, body: Buffer.from('b'), properties: {} }]),
      ),
    ]);
    expect(results.map((r) => r.code)).toContain(ResponseCode.SUCCESS);
    expect(results.some((r) => r.code !== ResponseCode.SUCCESS)).toBe(true);
    expect(h.ctx.sendQueue.size).toBe(0);
  });
});
