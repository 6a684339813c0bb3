import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/logger.js';
import { silentLogger } from '../../common/logger.js';
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerInvoker } from './consumer-parts.js';
import { LocalOffsetStore } from './local-offset-store.js';
import { RemoteOffsetStore } from './remote-offset-store.js';

const q0 = { topic: 'T', brokerName: 'b', queueId: 0 };
const q1 = { topic: 'T', brokerName: 'b', queueId: 1 };
let root = '';
let files = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'kitemq-offsets-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
/** A fresh <dir>/G/offsets.json under the suite's temp dir (the directories do not exist yet). */
const tempFile = () => join(root, String(++files), 'G', 'offsets.json');

function warnings(): { log: Logger; seen: string[] } {
  const seen: string[] = [];
  const log = silentLogger();
  log.warn = (_obj: object, msg?: string) => void seen.push(msg ?? '');
  return { log, seen };
}

describe('LocalOffsetStore (BROADCASTING)', () => {
  it('keeps offsets across instances through its file; unknown queues read -1', async () => {
    const path = tempFile();
    const a = new LocalOffsetStore(path, silentLogger());
    a.load(); // no file yet
    expect(await a.updateOffset(q0, 7)).toBe(true);
    a.persistAll();
    const b = new LocalOffsetStore(path, silentLogger());
    b.load();
    expect(await b.readOffset(q0)).toBe(7);
    expect(await b.readOffset(q1)).toBe(-1);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ offsetTable: { 'T@b@0': 7 } });
  });

  it('starts over from a damaged file, with a warning', async () => {
    const path = tempFile();
    const first = new LocalOffsetStore(path, silentLogger());
    await first.updateOffset(q0, 3);
    first.persistAll();
    writeFileSync(path, '{"offsetTable": {"T@b@0": 3');
    const { log, seen } = warnings();
    const s = new LocalOffsetStore(path, log);
    s.load();
    expect(await s.readOffset(q0)).toBe(-1);
    expect(seen).toEqual(['offset file damaged; starting over']);
  });

  it('a failed write warns instead of throwing and is tried again by the next persist', async () => {
    const path = tempFile();
    const blocker = join(path, '..');
    mkdirSync(join(blocker, '..'));
    writeFileSync(blocker, 'a file where the directory should be');
    const { log, seen } = warnings();
    const s = new LocalOffsetStore(path, log);
    await s.updateOffset(q0, 5);
    s.persistAll();
    expect(seen).toEqual(['writing the local offset file failed; will retry']);
    rmSync(blocker);
    s.persistAll();
    expect(JSON.parse(readFileSync(path, 'utf8')).offsetTable['T@b@0']).toBe(5);
  });
});

describe('RemoteOffsetStore (CLUSTERING)', () => {
  /** Answers each request with the next code (and offset 42 on SUCCESS), recording the request. */
  function broker(codes: number[], seen: RemotingCommand[]): BrokerInvoker {
    return {
      clientId: 'c',
      invokeBroker: async (_name, cmd) => {
        seen.push(cmd);
        const code = codes.shift();
        if (code === undefined) throw new Error('connection refused');
        return { code, extFields: code === 0 ? { offset: '42' } : {} } as RemotingCommand;
      },
    };
  }

  it('reads the committed offset; -1 for a group without one, -2 for any other refusal', async () => {
    const seen: RemotingCommand[] = [];
    const codes = [ResponseCode.SUCCESS, ResponseCode.QUERY_NOT_FOUND, ResponseCode.SYSTEM_ERROR];
    const s = new RemoteOffsetStore(broker(codes, seen), 'G', silentLogger());
    expect([await s.readOffset(q1), await s.readOffset(q1), await s.readOffset(q1)]).toEqual([
      42, -1, -2,
    ]);
    expect(seen[0]!.code).toBe(RequestCode.QUERY_CONSUMER_OFFSET);
    expect(seen[0]!.extFields).toEqual({ consumerGroup: 'G', topic: 'T', queueId: '1' });
    await expect(s.readOffset(q1)).rejects.toThrow('connection refused');
  });

  it('an update is true only once the broker took it; a failed one warns, never rejects', async () => {
    const seen: RemotingCommand[] = [];
    const { log, seen: warned } = warnings();
    const s = new RemoteOffsetStore(broker([0, ResponseCode.SYSTEM_BUSY], seen), 'G', log);
    expect(await s.updateOffset(q0, 9)).toBe(true);
    expect(await s.updateOffset(q0, 10)).toBe(false);
    expect(await s.updateOffset(q0, 11)).toBe(false); // no connection
    expect(seen[0]!.code).toBe(RequestCode.UPDATE_CONSUMER_OFFSET);
    expect(seen[0]!.extFields).toEqual({
      consumerGroup: 'G',
      topic: 'T',
      queueId: '0',
      commitOffset: '9',
    });
    expect(warned).toEqual(['offset commit failed; will retry']);
  });
});
