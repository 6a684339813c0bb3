// The broker's pull caps are broker.conf keys (maxTransferCountOnMessageInMemory and friends):
// a pull asking for more than the cap gets the cap, the byte cap cuts the batch after the first
// message that fits, and RocketMQ's defaults (32 / 256 KiB) hold when the keys are left out.
import { describe, expect, it } from 'vitest';
import { decodeRecords } from '../../message/record-codec.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import {
  type InProcessBroker,
  pullFields,
  withInProcessBroker,
} from '../in-process-broker.fixture.js';

const pulled = async (h: InProcessBroker, maxMsgNums: number) => {
  const res = await h.request(RequestCode.PULL_MESSAGE, pullFields('Caps', 0, { maxMsgNums }));
  expect(res.code).toBe(ResponseCode.SUCCESS);
  return decodeRecords(res.body ?? Buffer.alloc(0)).length;
};
const bodies = (n: number, bytes = 8) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(bytes));

describe('pull transfer caps', () => {
  it('returns maxTransferCountOnMessageInMemory messages when more are asked for', async () => {
    await withInProcessBroker({ maxTransferCountOnMessageInMemory: 3 }, async (h) => {
      h.createTopic('Caps', 1);
      await h.send('Caps', bodies(10));
      expect(await pulled(h, 32)).toBe(3);
      expect(await pulled(h, 2)).toBe(2);
    });
  });

  it('stops at maxTransferBytesOnMessageInMemory', async () => {
    // 10 bodies of 1,000 bytes: records of ~1.1 KB, so a 2,500-byte cap holds two of them.
    await withInProcessBroker({ maxTransferBytesOnMessageInMemory: 2_500 }, async (h) => {
      h.createTopic('Caps', 1);
      await h.send('Caps', bodies(10, 1_000));
      expect(await pulled(h, 32)).toBe(2);
    });
  });

  it('keeps RocketMQ defaults: 32 messages a pull', async () => {
    await withInProcessBroker({}, async (h) => {
      h.createTopic('Caps', 1);
      await h.send('Caps', bodies(40));
      expect(await pulled(h, 64)).toBe(32);
    });
  });
});
