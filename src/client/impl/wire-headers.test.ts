// The client's send and send-back requests, built with the header codecs, against the frames the
// hand-built headers made before them (same keys, same order, same strings).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import type { MessageExt } from '../../message/message.js';
import {
  createRequest,
  createRequestWithFields,
  encodeCommand,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { ClientInstance } from './client-instance.js';
import { FaultStrategy } from './fault-strategy.js';
import { sendMessageBack } from './send-back.js';
import { SendPath } from './send-path.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('client request headers', () => {
  it('SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE headers are the hand-built ones', () => {
    vi.useFakeTimers({ now: 1_700_000_000_123 });
    const names = { producerGroup: 'ns%P', namespace: 'ns' };
    const path = new SendPath({} as ClientInstance, new FaultStrategy(false), names);
    const mq = { topic: 'ns%T', brokerName: 'b', queueId: 3 };
    for (const [batch, sysFlag] of [
      [false, 0x301],
      [true, 0],
    ] as const) {
      const old = {
        a: 'ns%P',
        b: 'ns%T',
        c: 'TBW102',
        d: '4',
        e: '3',
        f: String(sysFlag),
        g: '1700000000123',
        h: '0',
        i: 'WAIT\u0001true\u0002',
        j: '0',
        k: 'false',
        m: batch ? 'true' : 'false',
      };
      const fields = path.header(mq, 'WAIT\u0001true\u0002', batch, sysFlag);
      const body = Buffer.from('x');
      expect(
        encodeCommand(createRequestWithFields(RequestCode.SEND_MESSAGE_V2, fields, body)),
      ).toEqual(encodeCommand(createRequest(RequestCode.SEND_MESSAGE_V2, 0, old, body)));
    }
  });

  it('a send-back and its retry-topic copy are the hand-built requests', async () => {
    const sent: RemotingCommand[] = [];
    const broker = {
      clientId: 'c',
      invokeBroker: async (_b: string, cmd: RemotingCommand) => {
        sent.push(cmd);
        return { code: 1, extFields: {} } as unknown as RemotingCommand; // refused: copy follows
      },
    };
    const m = {
      topic: 'T',
      commitLogOffset: 4096,
      offsetMsgId: 'OFF',
      properties: { UNIQ_KEY: 'U1' },
      sysFlag: 0x1 | 0x300 | 0x2,
      bornTimestamp: 1_600_000_000_000,
      flag: 5,
      reconsumeTimes: 2,
      body: Buffer.from('b'),
    } as unknown as MessageExt;
    const ctx = { client: broker, log: silentLogger(), group: 'G', retryTopic: '%RETRY%G' };
    await sendMessageBack({ ...ctx, maxReconsumeTimes: 16 }, 'b', m, 0);
    const back = createRequest(RequestCode.CONSUMER_SEND_MSG_BACK, 0, {
      offset: 4096,
      group: 'G',
      delayLevel: 0,
      originMsgId: 'U1',
      originTopic: 'T',
      unitMode: false,
      maxReconsumeTimes: 16,
    });
    const copy = createRequest(
      RequestCode.SEND_MESSAGE_V2,
      0,
      {
        a: 'G',
        b: '%RETRY%G',
        c: 'TBW102',
        d: 1,
        e: 0,
        f: 0x301,
        g: 1_600_000_000_000,
        h: 5,
        i: 'UNIQ_KEY\u0001U1\u0002RETRY_TOPIC\u0001T\u0002ORIGIN_MESSAGE_ID\u0001U1\u0002DELAY\u00015\u0002',
        j: 3,
        k: false,
        l: 16,
      },
      m.body,
    );
    expect(sent.map(encodeCommand)).toEqual([encodeCommand(back), encodeCommand(copy)]);
  });
});
