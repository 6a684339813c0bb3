// suggestWhichBrokerId on PULL_MESSAGE (replication §2.4): slaveReadEnable, the far-behind test
// against an injected RAM size, the group's whichBrokerWhenConsumeSlowly/brokerId, and what a
// slave rewrites (back to the master while its link is up; never an offset correction).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigValue } from '../../common/config/schema.js';
import { buildPullSysFlag } from '../../protocol/headers/pull.js';
import { createRequest, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { MessageStore } from '../../store/message-store.js';
import { testMessage, testStoreOptions } from '../../store/store.fixture.js';
import type { HaSlaveStatus } from '../ha/ha-types.js';
import {
  type InProcessBroker,
  pullFields,
  withInProcessBroker,
} from '../in-process-broker.fixture.js';
import { PullMessageProcessor } from './pull-message.js';

/** With this much "RAM" any pull that is not at the very log end is far behind (40 % of 2 = 0). */
const TINY_RAM_BYTES = 2;
const HUGE_RAM_BYTES = 2 ** 50;
const SLAVE = { brokerId: 1, brokerRole: 'SLAVE' };

/**
 * Stores bodies into queue 0 and waits for their index. A slave's store refuses puts, so the
 * records are written into a scratch store and copied in through the replication seam.
 */
async function seed(h: InProcessBroker, topic: string, n: number): Promise<void> {
  h.createTopic(topic, 1);
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-seed-'));
  const scratch = await MessageStore.open(testStoreOptions(dir));
  try {
    for (let i = 0; i < n; i++) {
      const r = await scratch.putMessage(testMessage({ topic, body: Buffer.from(`m${i}`) }));
      expect(r.status).toBe('PUT_OK');
    }
    const bytes = scratch.readCommitLog(0, 1024 * 1024);
    expect(bytes).toBeDefined();
    const at = h.ctx.store.maxPhyOffset;
    expect(at).toBe(0);
    expect((await h.ctx.store.appendRaw(at, bytes!)).ok).toBe(true);
  } finally {
    await scratch.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  const deadline = Date.now() + 20_000;
  while (h.ctx.store.getMaxOffsetInQueue(topic, 0) < n) {
    if (Date.now() > deadline) throw new Error('messages never reached the consume queue');
    await new Promise((r) => setImmediate(r));
  }
}

function pullWith(
  h: InProcessBroker,
  ramBytes: number,
  offset: number,
  over: Record<string, string | number> = {},
): Promise<RemotingCommand | null> {
  const req = createRequest(RequestCode.PULL_MESSAGE, 1, pullFields('T', offset, over));
  return new PullMessageProcessor(h.ctx, ramBytes).process(req, h.conn.asConnection);
}

async function answer(h: InProcessBroker, ram: number, offset: number) {
  const res = await pullWith(h, ram, offset);
  if (!res) throw new Error('the pull was parked');
  return { code: res.code, suggest: res.extFields.suggestWhichBrokerId };
}

function onBroker(conf: Record<string, ConfigValue>, fn: (h: InProcessBroker) => Promise<void>) {
  return withInProcessBroker(conf, async (h) => {
    await seed(h, 'T', 3);
    await fn(h);
  });
}

/** A slave whose HA link to its master is up (or down). */
function linkUp(h: InProcessBroker, connected: boolean): void {
  const status = { role: 'SLAVE', connected } as HaSlaveStatus;
  Object.assign(h.ctx, { ha: { status: () => status, close: async () => {} } });
}

describe('suggestWhichBrokerId', () => {
  it('is 0 without slaveReadEnable, however far behind', async () => {
    await onBroker({}, async (h) => {
      expect(await answer(h, TINY_RAM_BYTES, 0)).toEqual({ code: 0, suggest: '0' });
    });
  });

  it('with slaveReadEnable: whichBrokerWhenConsumeSlowly when far behind, else brokerId', async () => {
    await onBroker({ slaveReadEnable: true }, async (h) => {
      expect(await answer(h, TINY_RAM_BYTES, 0)).toEqual({ code: 0, suggest: '1' });
      expect(await answer(h, HUGE_RAM_BYTES, 0)).toEqual({ code: 0, suggest: '0' });
      const group = h.ctx.groups.find('G');
      if (!group) throw new Error('group G was not created by the pull');
      group.whichBrokerWhenConsumeSlowly = 2;
      expect(await answer(h, TINY_RAM_BYTES, 1)).toEqual({ code: 0, suggest: '2' });
    });
  });

  it('a pull of the newest message is not far behind, whatever the RAM', async () => {
    await onBroker({ slaveReadEnable: true, accessMessageInMemoryMaxRatio: 100 }, async (h) => {
      // 100 % of 1 KiB: the last record starts less than that before the log end.
      expect(await answer(h, 1024, 2)).toEqual({ code: 0, suggest: '0' });
      expect(await answer(h, 1, 0)).toEqual({ code: 0, suggest: '1' });
    });
  });
});

describe('a slave answering pulls', () => {
  it('serves what it has and sends a caught-up consumer back to a live master', async () => {
    await onBroker(SLAVE, async (h) => {
      linkUp(h, true);
      expect(await answer(h, HUGE_RAM_BYTES, 0)).toEqual({ code: 0, suggest: '0' });
      // Nothing past the end: retry at the master now rather than long-polling here.
      const suspend = buildPullSysFlag({ commitOffset: false, suspend: true, subscription: true });
      const res = await pullWith(h, HUGE_RAM_BYTES, 3, { sysFlag: suspend });
      expect(res?.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
      expect(res?.extFields.suggestWhichBrokerId).toBe('0');
    });
  });

  it('with its master gone, answers as a master would (NOT_FOUND, not a retry loop)', async () => {
    await onBroker(SLAVE, async (h) => {
      linkUp(h, false);
      expect(await answer(h, HUGE_RAM_BYTES, 3)).toEqual({
        code: ResponseCode.PULL_NOT_FOUND,
        suggest: '0',
      });
    });
  });

  it('keeps the far-behind suggestion when slaveReadEnable is on', async () => {
    await onBroker({ ...SLAVE, slaveReadEnable: true }, async (h) => {
      linkUp(h, true);
      expect(await answer(h, TINY_RAM_BYTES, 0)).toEqual({ code: 0, suggest: '1' });
    });
  });

  it('never corrects an offset past its end: PULL_RETRY_IMMEDIATELY instead', async () => {
    await onBroker(SLAVE, async (h) => {
      const res = await answer(h, HUGE_RAM_BYTES, 9);
      expect(res).toEqual({ code: ResponseCode.PULL_RETRY_IMMEDIATELY, suggest: '0' });
    });
  });
});
