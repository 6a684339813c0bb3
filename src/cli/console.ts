// kitemq console: the web console as its own process, one console for several clusters (one
// environment per -n). Prints its URL, and on a first start without a configured admin the
// generated admin password, once.
import { createLogger } from '../common/logger.js';
import { type ConsoleConfig, parseConsoleConfig } from '../console/config.js';
import type { RunningConsole } from '../console/server.js';
import {
  CONFIG_FILE_OPTION,
  type CommandSpec,
  HELP_OPTION,
  parseCommandLine,
  portFlag,
  readConfigFile,
  stringFlag,
  UsageError,
} from './args.js';
import { exitOnSignals, runMain } from './lifecycle.js';

const help = (name: string) => `Usage: ${name} -n host:9876[;host2:9876] [-n host3:9876] [flags]
       ${name} --hash-password < password.txt

Serves the KiteMQ web console and its JSON API (docs/console-api.md).

  -n, --namesrvAddr <list>  name servers of one cluster; repeat -n for more clusters (else the
                            console.env.<id> keys of -c, else $NAMESRV_ADDR)
  --port <port>             HTTP port (console.port; default 8082; 0: any free)
  --host <addr>             listen address (console.listenAddress; default 127.0.0.1)
  --base-path <path>        serve under this path, e.g. /rocketmq/ behind a proxy (console.basePath)
  --data-dir <dir>          audit log and generated admin password (console.dataDir; ./data/console)
  -c, --configFile <file>   console.conf (console.* keys; see README "Console")
  --hash-password           read a password on stdin, print its hash for console.users, exit
  -h, --help                show this help

Log in as admin with the password printed on first start (or set console.users).`;

function spec(name: string): CommandSpec {
  return {
    name,
    options: {
      namesrvAddr: { type: 'string', short: 'n', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      'base-path': { type: 'string' },
      'data-dir': { type: 'string' },
      'hash-password': { type: 'boolean' },
      ...CONFIG_FILE_OPTION,
      ...HELP_OPTION,
    },
    help: help(name),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The console's config from -c and the flags; -n, else the file's envs, else $NAMESRV_ADDR. */
export function consoleConfigFrom(argv: readonly string[], name: string): ConsoleConfig | 'help' {
  const s = spec(name);
  const values = parseCommandLine(s, argv);
  if (values.help === true) return 'help';
  const { text, fileName } = readConfigFile(stringFlag(values, 'configFile'));
  const flagged = (values as Record<string, unknown>).namesrvAddr as string[] | undefined;
  const port = portFlag(values, 'port', 'KITEMQ_CONSOLE_PORT');
  const host = stringFlag(values, 'host');
  const basePath = stringFlag(values, 'base-path');
  const dataDir = stringFlag(values, 'data-dir');
  let config = parseConsoleConfig(text, fileName, {
    ...(flagged ? { namesrvAddrs: flagged } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { listenAddress: host } : {}),
    ...(basePath !== undefined ? { basePath } : {}),
    ...(dataDir !== undefined ? { dataDir } : {}),
  });
  if (config.envs.length === 0 && process.env.NAMESRV_ADDR) {
    config = { ...config, envs: [{ id: '1', namesrvAddr: process.env.NAMESRV_ADDR }] };
  }
  if (config.envs.length === 0) {
    throw new UsageError(
      'no name server: pass -n host:9876 (once per cluster) or set NAMESRV_ADDR',
    );
  }
  return config;
}

/** The lines that tell a person where the console is and, once, how to log in. */
export function consoleBanner(c: RunningConsole, envs: ConsoleConfig['envs']): string[] {
  const lines = [`KiteMQ console is running at ${c.url}`];
  for (const e of envs) lines.push(`  environment ${e.id}: name server ${e.namesrvAddr}`);
  if (c.generatedPassword) {
    lines.push(
      `  first start: log in as admin with password ${c.generatedPassword}`,
      '  (shown only this once; its hash is kept in ' +
        `${c.passwordFile}: to change it, set console.users in console.conf with a hash from ` +
        '`kitemq console --hash-password`, or delete that file and restart for a new one)',
    );
  }
  return lines;
}

export async function main(argv: readonly string[], name = 'kitemq console'): Promise<void> {
  await runMain(name, { portHint: 'pick another with --port' }, async () => {
    if (argv.includes('--hash-password')) {
      const { hashPassword } = await import('../console/auth.js');
      const password = await readStdin();
      if (password === '') throw new UsageError('no password on stdin');
      console.log(await hashPassword(password));
      return;
    }
    const config = consoleConfigFrom(argv, name);
    if (config === 'help') {
      console.log(spec(name).help);
      return;
    }
    const log = createLogger('kitemq-console');
    const { startConsoleServer } = await import('../console/server.js');
    const running = await startConsoleServer({ config, logger: log });
    exitOnSignals(log, () => running.close());
    console.log(consoleBanner(running, config.envs).join('\n'));
  });
}
