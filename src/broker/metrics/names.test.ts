// Label values as RocketMQ 5 writes them: message types, system topics and groups, retry topics.
import { describe, expect, it } from 'vitest';
import { MessageSysFlag } from '../../message/message.js';
import { codeLabel } from '../../remoting/metrics/rpc-latency.js';
import { consumerLabels, isSystemGroup, isSystemTopic, messageTypeOf } from './names.js';

describe('metric labels', () => {
  it('tells transaction and delay records from normal ones', () => {
    expect(messageTypeOf('Orders', 0)).toBe('normal');
    expect(messageTypeOf('RMQ_SYS_TRANS_HALF_TOPIC', 0)).toBe('transaction');
    expect(messageTypeOf('Orders', MessageSysFlag.TRANSACTION_PREPARED_TYPE)).toBe('transaction');
    expect(messageTypeOf('SCHEDULE_TOPIC_XXXX', 0)).toBe('delay');
    expect(messageTypeOf('rmq_sys_wheel_timer', 0)).toBe('delay');
  });

  it('marks the broker’s own topics and groups as system', () => {
    for (const t of ['SCHEDULE_TOPIC_XXXX', 'TBW102', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 'rmq_sys_x'])
      expect(isSystemTopic(t)).toBe(true);
    expect(isSystemTopic('Orders')).toBe(false);
    expect(isSystemTopic('%RETRY%G')).toBe(false);
    expect(isSystemGroup('CID_RMQ_SYS_TRANS')).toBe(true);
    expect(isSystemGroup('TOOLS_CONSUMER')).toBe(true);
    expect(isSystemGroup('G')).toBe(false);
  });

  it('labels a consumer pair with topic, consumer_group, is_retry and is_system', () => {
    expect(consumerLabels('%RETRY%G', 'G')).toEqual({
      topic: '%RETRY%G',
      consumer_group: 'G',
      is_retry: 'true',
      is_system: 'false',
    });
    expect(consumerLabels('Orders', 'CID_RMQ_SYS_X').is_system).toBe('true');
  });

  it('names request and response codes in lower case, unknown ones by number', () => {
    expect(codeLabel('SEND_MESSAGE_V2', 310)).toBe('send_message_v2');
    expect(codeLabel('UNKNOWN(9999)', 9999)).toBe('9999');
  });
});
