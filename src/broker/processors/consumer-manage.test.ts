// Consumer offsets (UPDATE/QUERY_CONSUMER_OFFSET, ConsumerManageProcessor) and the queue offset
// queries of AdminBrokerProcessor (GET_MAX/MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP,
// GET_EARLIEST_MSG_STORETIME) against an in-process broker.
import { describe, expect, it } from 'vitest';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest } from '../in-process-broker.fixture.js';

const h = brokerPerTest({}, () => {
  h.createTopic('Orders', 2);
});

const queue = { topic: 'Orders', queueId: 0 };
const group = { consumerGroup: 'G', ...queue };

describe('consumer offsets', () => {
  it('stores an UPDATE_CONSUMER_OFFSET and answers it to QUERY_CONSUMER_OFFSET', async () => {
    await h.send('Orders', ['a', 'b', 'c']);
    const update = await h.request(RequestCode.UPDATE_CONSUMER_OFFSET, {
      ...group,
      commitOffset: 2,
    });
    expect(update.code).toBe(ResponseCode.SUCCESS);
    const query = await h.request(RequestCode.QUERY_CONSUMER_OFFSET, group);
    expect(query.code).toBe(ResponseCode.SUCCESS);
    expect(query.extFields.offset).toBe('2');
    const other = await h.request(RequestCode.QUERY_CONSUMER_OFFSET, { ...group, queueId: 1 });
    expect(other.extFields.offset).toBe('0'); // a new group on an empty queue starts at 0
  });

  it('refuses an update for an unknown topic and a negative offset', async () => {
    const unknown = await h.request(RequestCode.UPDATE_CONSUMER_OFFSET, {
      ...group,
      topic: 'Nowhere',
      commitOffset: 1,
    });
    expect(unknown.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(unknown.remark).toBe('Topic Nowhere not exist!');
    const negative = await h.request(RequestCode.UPDATE_CONSUMER_OFFSET, {
      ...group,
      commitOffset: -1,
    });
    expect(negative.code).toBe(ResponseCode.INVALID_PARAMETER);
  });
});

describe('queue offsets', () => {
  it('answers the max and min offset of a queue', async () => {
    await h.send('Orders', ['a', 'b', 'c']);
    const max = await h.request(RequestCode.GET_MAX_OFFSET, queue);
    const min = await h.request(RequestCode.GET_MIN_OFFSET, queue);
    expect([max.code, max.extFields.offset]).toEqual([ResponseCode.SUCCESS, '3']);
    expect([min.code, min.extFields.offset]).toEqual([ResponseCode.SUCCESS, '0']);
  });

  it('finds the offset of the first message stored at or after a time', async () => {
    await h.send('Orders', ['a']);
    const between = Date.now() + 1;
    await waitUntil(() => Date.now() > between);
    await h.send('Orders', ['b']);
    const at = (timestamp: number) =>
      h.request(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { ...queue, timestamp });
    expect((await at(0)).extFields.offset).toBe('0');
    expect((await at(between)).extFields.offset).toBe('1');
    const earliest = await h.request(RequestCode.GET_EARLIEST_MSG_STORETIME, queue);
    expect(Number(earliest.extFields.timestamp)).toBeLessThan(between);
    expect(Number(earliest.extFields.timestamp)).toBeGreaterThan(0);
  });
});

async function waitUntil(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 1));
  }
}
