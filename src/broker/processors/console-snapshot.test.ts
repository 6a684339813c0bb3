// KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT against an in-process broker: every subscription group and
// every group with a connection, with its live connections; every topic with its queues' max
// offsets summed, whether or not any group consumes it.
import { describe, expect, it } from 'vitest';
import { decodeBrokerConsoleSnapshot } from '../../protocol/bodies/console-snapshot.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { brokerPerTest, type InMemoryConnection } from '../in-process-broker.fixture.js';
import { newSubscriptionGroupConfig } from '../managers/subscription-group-manager.js';

const h = brokerPerTest({}, async () => {
  h.createTopic('Orders', 4);
  h.createTopic('Unread', 2);
  await h.send('Orders', ['a', 'b', 'c']);
  await h.send('Unread', ['x', 'y']);
  h.ctx.groups.upsert(newSubscriptionGroupConfig('Idle'));
});

function heartbeat(group: string, clientID: string, conn: InMemoryConnection) {
  const body = {
    clientID,
    producerDataSet: [],
    consumerDataSet: [
      {
        groupName: group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [{ topic: 'Orders', subString: '*', subVersion: 1 }],
      },
    ],
  };
  return h.request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)), conn);
}

/** What the heartbeats above register for every group. */
const BUSY_KIND = { consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING' };

const snapshot = async () => {
  const res = await h.request(RequestCode.KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT);
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return decodeBrokerConsoleSnapshot(res.body);
};

describe('KITEMQ_GET_BROKER_CONSOLE_SNAPSHOT', () => {
  it('sums every topic’s queue max offsets, consumed or not', async () => {
    const s = await snapshot();
    expect([s.brokerAddr, s.brokerName]).toEqual([h.ctx.storeHost, h.ctx.config.brokerName]);
    expect(s.topicTable.Orders).toEqual({ maxOffset: 3, queueNums: 4 });
    expect(s.topicTable.Unread).toEqual({ maxOffset: 2, queueNums: 2 });
    await h.send('Unread', ['z']);
    expect((await snapshot()).topicTable.Unread?.maxOffset).toBe(3);
  });

  it('counts the live connections of each group, 0 for a subscription group nobody runs', async () => {
    await heartbeat('Busy', 'c1', h.conn);
    await heartbeat('Busy', 'c2', h.connect('127.0.0.1:50002'));
    const third = h.connect('127.0.0.1:50003');
    await heartbeat('Busy', 'c3', third);
    let s = await snapshot();
    expect(s.groupTable.Busy).toEqual({ onlineClients: 3, ...BUSY_KIND });
    expect(s.groupTable.Idle).toEqual({ onlineClients: 0 });
    third.close();
    // A group deleted while its consumers still run keeps its row: they are what matters.
    h.ctx.groups.delete('Busy');
    s = await snapshot();
    expect(s.groupTable.Busy).toEqual({ onlineClients: 2, ...BUSY_KIND });
  });
});
