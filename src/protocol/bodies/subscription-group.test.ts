// SubscriptionGroupWrapper: RocketMQ's field names and defaults, and a lossless round trip (what
// a slave's sync will rely on).
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../common/errors.js';
import {
  decodeSubscriptionGroupWrapper,
  encodeSubscriptionGroupWrapper,
} from './subscription-group.js';

describe('SubscriptionGroupWrapper', () => {
  it('writes every SubscriptionGroupConfig field of RocketMQ 5 with its defaults', () => {
    const body = JSON.parse(
      encodeSubscriptionGroupWrapper([{ groupName: 'G1', retryMaxTimes: 3 }], {
        counter: 4,
        timestamp: 1700000000000,
      }).toString('utf8'),
    );
    expect(body).toEqual({
      subscriptionGroupTable: {
        G1: {
          groupName: 'G1',
          consumeEnable: true,
          consumeFromMinEnable: true,
          consumeBroadcastEnable: true,
          consumeMessageOrderly: false,
          retryQueueNums: 1,
          retryMaxTimes: 3,
          groupRetryPolicy: { type: 'CUSTOMIZED' },
          brokerId: 0,
          whichBrokerWhenConsumeSlowly: 1,
          notifyConsumerIdsChangedEnable: true,
          groupSysFlag: 0,
          consumeTimeoutMinute: 15,
          attributes: {},
        },
      },
      forbiddenTable: {},
      dataVersion: { stateVersion: 0, counter: 4, timestamp: 1700000000000 },
    });
  });

  it('round-trips, and fills the 5.x fields a 4.9 master does not send', () => {
    const encoded = encodeSubscriptionGroupWrapper(
      [{ groupName: 'A', consumeEnable: false }, { groupName: '__proto__' }],
      { counter: 1, timestamp: 5 },
    );
    const back = decodeSubscriptionGroupWrapper(encoded);
    expect(back.subscriptionGroupTable.A?.consumeEnable).toBe(false);
    expect(Object.keys(back.subscriptionGroupTable)).toEqual(['A', '__proto__']);
    const old = Buffer.from(
      '{"subscriptionGroupTable":{"B":{"groupName":"B","retryMaxTimes":2}},"dataVersion":{"counter":9,"timestamp":1}}',
    );
    const g = decodeSubscriptionGroupWrapper(old).subscriptionGroupTable.B!;
    expect(g.retryMaxTimes).toBe(2);
    expect(g.consumeTimeoutMinute).toBe(15);
  });

  it('refuses a body that is not a wrapper, saying so', () => {
    expect(() => decodeSubscriptionGroupWrapper(Buffer.from('{"x":1}'))).toThrow(ProtocolError);
    expect(() => decodeSubscriptionGroupWrapper(Buffer.from('{'))).toThrow(/does not parse/);
  });
});
