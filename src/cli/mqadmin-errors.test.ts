// Every mqadmin subcommand, taken from the command table so a new one is covered the day it is
// added, run with nothing but -n pointing at a loopback port where nothing listens. A command
// with a required flag must refuse before it touches the network, in one line naming the flag;
// one without must fail in one line naming the unreachable name server and what to check. Both
// exit non-zero. A command with no required flag has to be listed below, so forgetting to check
// a required flag shows up here as an unexpected network error.
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, main } from './mqadmin.js';

const NO_REQUIRED_FLAG = new Set([
  'clusterList',
  'clusterRT',
  'consumerProgress',
  'exportMetadata',
  'getNamesrvConfig',
  'haStatus',
  'statsAll',
  'topicList',
]);

/** A loopback port that was free a moment ago: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function run(argv: string[]): Promise<{ code: number; stderr: string[]; stdout: string[] }> {
  const stderr: string[] = [];
  const stdout: string[] = [];
  const err = vi.spyOn(console, 'error').mockImplementation((s: unknown) => {
    stderr.push(...String(s).split('\n'));
  });
  const log = vi.spyOn(console, 'log').mockImplementation((s: unknown) => {
    stdout.push(String(s));
  });
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(argv);
    return { code: Number(process.exitCode ?? 0), stderr, stdout };
  } finally {
    process.exitCode = before;
    err.mockRestore();
    log.mockRestore();
  }
}

let namesrv = '';
beforeAll(async () => {
  namesrv = `127.0.0.1:${await closedPort()}`;
});
afterEach(() => vi.restoreAllMocks());

describe('mqadmin errors', () => {
  it('has the commands this test expects to need no flag', () => {
    for (const name of NO_REQUIRED_FLAG) expect(COMMAND_NAMES).toContain(name);
    expect(COMMAND_NAMES.length).toBeGreaterThanOrEqual(50);
  });

  it.each(COMMAND_NAMES.filter((c) => !NO_REQUIRED_FLAG.has(c)))(
    '%s without its required flags names the missing flag in one line',
    async (command) => {
      const r = await run([command, '-n', namesrv]);
      expect(r.code).toBe(1);
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(/^mqadmin: (missing|.*needs) -[a-zA-Z] <[^>]+>/);
      expect(r.stderr[0]).not.toContain(namesrv);
      expect(r.stdout).toEqual([]);
    },
  );

  it.each([...NO_REQUIRED_FLAG])(
    '%s with an unreachable name server says which one and what to check',
    async (command) => {
      const r = await run([command, '-n', namesrv]);
      expect(r.code).toBe(1);
      expect(r.stderr).toHaveLength(1);
      expect(r.stderr[0]).toMatch(/^mqadmin: .*name server.* check -n or NAMESRV_ADDR/);
      expect(r.stderr[0]).toContain(namesrv);
      expect(r.stdout).toEqual([]);
    },
  );

  it('-h lists every subcommand, in lines that fit 100 columns', async () => {
    const r = await run(['-h']);
    const help = r.stdout.join('\n');
    for (const c of COMMAND_NAMES) expect(help).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(help.split('\n').filter((l) => l.length > 100)).toEqual([]);
  });

  it('an unknown command and an unknown flag are one line each', async () => {
    const unknown = await run(['noSuchCommand', '-n', namesrv]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toEqual([
      'mqadmin: unknown command noSuchCommand; run mqadmin -h for the list',
    ]);
    const flag = await run(['topicList', '-n', namesrv, '--nope']);
    expect(flag.stderr).toEqual([
      'mqadmin: unknown option --nope; run mqadmin topicList -h for help',
    ]);
  });

  it('no name server at all says how to give one', async () => {
    const saved = process.env.NAMESRV_ADDR;
    delete process.env.NAMESRV_ADDR;
    try {
      const r = await run(['clusterList']);
      expect(r.code).toBe(1);
      expect(r.stderr).toEqual(['mqadmin: no name server: pass -n host:9876 or set NAMESRV_ADDR']);
    } finally {
      if (saved !== undefined) process.env.NAMESRV_ADDR = saved;
    }
  });
});
