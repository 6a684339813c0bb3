// kitemq standalone (what `npm start` runs): a name server, a broker and the web console in one
// process, on loopback, storing under ./data, for trying KiteMQ on one machine. A composition
// root like NamesrvController/BrokerController; production runs mqnamesrv, mqbroker and
// kitemq console separately.
import { join, resolve } from 'node:path';
import {
  type BrokerConfig,
  type NamesrvConfig,
  parseBrokerConfig,
} from '../common/config/broker-config.js';
import { parseNamesrvConfig } from '../common/config/namesrv-config.js';
import { createLogger, type Logger } from '../common/logger.js';
import { CONSOLE_DEFAULT_PORT, parseConsoleConfig } from '../console/config.js';
import type { RunningConsole } from '../console/server.js';
import {
  CONFIG_FILE_OPTION,
  type CommandSpec,
  HELP_OPTION,
  type ParsedValues,
  parseCommandLine,
  portFlag,
  readConfigFile,
  stringFlag,
  UsageError,
} from './args.js';
import { boundPort, exitOnSignals, logConfigWarnings, runMain } from './lifecycle.js';

const help = (
  name: string,
) => `Usage: ${name} [--namesrv-port 9876] [--broker-port 10911] [--console-port 8082]
       [--store ./data] [-c broker.conf]

Runs a name server, a broker and the web console in one process on 127.0.0.1, for development.

  --namesrv-port <port>     name server port (env KITEMQ_NAMESRV_PORT; default 9876; 0: any free)
  --broker-port <port>      broker port; port-2 is opened too (env KITEMQ_BROKER_PORT; default 10911;
                            0: any free pair)
  --console-port <port>     web console port (env KITEMQ_CONSOLE_PORT; default 8082, else the
                            next free one; 0: any free, as when --namesrv-port is 0)
  --store <dir>             storePathRootDir (env KITEMQ_STORE; default ./data); the console
                            keeps its admin password hash and audit log in <store>/console
  -c, --configFile <file>   extra broker settings (Java .properties; see docs/config.md)
  -h, --help                show this help

Stop it with Ctrl+C. For a real deployment run mqnamesrv and mqbroker (see README.md).`;

export async function main(argv: readonly string[], name = 'kitemq standalone'): Promise<void> {
  const spec: CommandSpec = {
    name,
    options: {
      'namesrv-port': { type: 'string' },
      'broker-port': { type: 'string' },
      'console-port': { type: 'string' },
      store: { type: 'string' },
      ...CONFIG_FILE_OPTION,
      ...HELP_OPTION,
    },
    help: help(name),
  };
  const portHint = 'pick others with --namesrv-port / --broker-port (the broker also needs port-2)';
  await runMain(name, { portHint }, async () => {
    const values = parseCommandLine(spec, argv);
    if (values.help === true) {
      console.log(spec.help);
      return;
    }
    const { namesrvConfig, brokerConfig, warnings } = standaloneConfigs(values);
    const log = createLogger('kitemq');
    logConfigWarnings(log, warnings);
    const asked = portFlag(values, 'console-port', 'KITEMQ_CONSOLE_PORT', 0);
    const consolePort = {
      port: asked ?? (namesrvConfig.listenPort === 0 ? 0 : CONSOLE_DEFAULT_PORT),
      // The default moves on to the next free port; a port asked for is that port or nothing.
      nextFreePorts: asked === undefined ? CONSOLE_NEXT_FREE_PORTS : 0,
    };
    await startAll(log, namesrvConfig, brokerConfig, consolePort);
  });
}

/** Name server on loopback; broker defaults < standalone defaults < -c file < flags/env. */
function standaloneConfigs(values: ParsedValues) {
  // 0 binds a free port (the broker a free pair); the boot lines print the ports bound.
  const namesrvPort = portFlag(values, 'namesrv-port', 'KITEMQ_NAMESRV_PORT', 0) ?? 9876;
  const brokerPort = portFlag(values, 'broker-port', 'KITEMQ_BROKER_PORT', 0);
  if (brokerPort !== undefined && brokerPort > 0 && brokerPort < 3) {
    throw new UsageError(
      `--broker-port=${brokerPort} leaves no room for port-2; use 0 or 3 to 65535`,
    );
  }
  const store = stringFlag(values, 'store') ?? process.env.KITEMQ_STORE;
  const { text, fileName } = readConfigFile(stringFlag(values, 'configFile'));
  // With port 0 the address is only known once the name server is listening (startBoth sets it).
  const overrides: Record<string, string | number> =
    namesrvPort === 0 ? {} : { namesrvAddr: `127.0.0.1:${namesrvPort}` };
  if (brokerPort !== undefined) overrides.listenPort = brokerPort;
  if (store !== undefined && store !== '') overrides.storePathRootDir = store;
  const defaults = {
    storePathRootDir: './data',
    brokerIP1: '127.0.0.1',
    bindAddress: '127.0.0.1',
    metricsExporterType: 'PROM',
    metricsPromExporterHost: '127.0.0.1',
    ...(brokerPort === 0 ? { metricsPromExporterPort: 0 } : {}),
  };
  const parsed = parseBrokerConfig(text, fileName, overrides, { defaults });
  // The exporters are on here (PROM on loopback); a port asked as 0 makes its exporter's 0 too.
  const namesrvConfig = parseNamesrvConfig('', '(standalone)', {
    listenPort: namesrvPort,
    bindAddress: '127.0.0.1',
    metricsExporterType: 'PROM',
    metricsPromExporterHost: '127.0.0.1',
    ...(namesrvPort === 0 ? { metricsPromExporterPort: 0 } : {}),
    // Beside the broker's store, like the rest of standalone's data, not in $HOME.
    kvConfigPath: join(parsed.config.storePathRootDir, 'namesrv', 'kvConfig.json'),
  }).config;
  return { namesrvConfig, brokerConfig: parsed.config, warnings: parsed.warnings };
}

/** Ports after 8082 that npm start tries before it gives up on the console. */
const CONSOLE_NEXT_FREE_PORTS = 10;

interface ConsolePort {
  port: number;
  nextFreePorts: number;
}

/** The console on the standalone name server; a console that cannot start only warns. */
async function startConsole(
  log: Logger,
  namesrvAddr: string,
  store: string,
  p: ConsolePort,
): Promise<RunningConsole | string> {
  try {
    const { startConsoleServer } = await import('../console/server.js');
    const config = parseConsoleConfig('', '(standalone)', {
      port: p.port,
      namesrvAddrs: [namesrvAddr],
      dataDir: join(store, 'console'),
    });
    return await startConsoleServer({
      config,
      logger: log.child({ component: 'console' }),
      nextFreePorts: p.nextFreePorts,
    });
  } catch (err) {
    log.warn({ err }, 'console not started');
    return `not started (${err instanceof Error ? err.message : String(err)}); see kitemq console -h`;
  }
}

async function startAll(
  log: Logger,
  namesrvConfig: NamesrvConfig,
  brokerConfig: BrokerConfig,
  consolePort: ConsolePort,
): Promise<void> {
  const [{ NamesrvController }, { BrokerController }] = await Promise.all([
    import('../namesrv/namesrv-controller.js'),
    import('../broker/broker-controller.js'),
  ]);
  const namesrv = new NamesrvController(namesrvConfig, log.child({ component: 'namesrv' }));
  let broker: InstanceType<typeof BrokerController> | undefined;
  let brokerStarted: Promise<void> | undefined;
  let consoleStarted: Promise<RunningConsole | string> | undefined;
  const namesrvStarted = namesrv.start();
  // Console, broker, then the name server; each waits for its own start() to settle.
  exitOnSignals(log, async () => {
    const running = await consoleStarted;
    if (typeof running === 'object') await running.close();
    await brokerStarted?.catch(() => undefined);
    if (brokerStarted !== undefined) await broker?.shutdown();
    await namesrvStarted.catch(() => undefined);
    await namesrv.shutdown();
  });
  await namesrvStarted;
  // The broker registers with the port the name server bound (it differs when 0 was asked).
  const namesrvAddr = `127.0.0.1:${boundPort(namesrv, namesrvConfig.listenPort)}`;
  const config = { ...brokerConfig, namesrvAddr };
  broker = new BrokerController(config, log.child({ component: 'broker' }));
  brokerStarted = broker.start();
  try {
    await brokerStarted;
  } catch (err) {
    await namesrv.shutdown().catch(() => undefined);
    throw err;
  }
  const store = resolve(brokerConfig.storePathRootDir);
  consoleStarted = startConsole(log, namesrvAddr, store, consolePort);
  const running = await consoleStarted;
  printWelcome({
    namesrvAddr,
    brokerName: brokerConfig.brokerName,
    brokerAddr: `${brokerConfig.brokerIP1}:${boundPort(broker, brokerConfig.listenPort)}`,
    cluster: brokerConfig.brokerClusterName,
    store,
    metrics: [broker.metricsUrl, namesrv.metricsUrl],
    console: consoleLines(running, consolePort.port),
  });
}

interface Welcome {
  namesrvAddr: string;
  brokerName: string;
  brokerAddr: string;
  cluster: string;
  store: string;
  /** The broker's and the name server's /metrics, when exported. */
  metrics: [string | undefined, string | undefined];
  console: string[];
}

/** Where the console is (and why not on 8082), and on first start its admin password, once. */
function consoleLines(c: RunningConsole | string, asked: number): string[] {
  if (typeof c === 'string') return [`  console      ${c}`];
  const moved = asked !== 0 && c.port !== asked ? ` (port ${asked} was busy)` : '';
  const lines = [`  console      ${c.url}${moved}`];
  if (c.generatedPassword) {
    lines.push(
      `               first start: log in as admin with password ${c.generatedPassword}`,
      `               (shown only this once; its hash is kept in ${c.passwordFile}; README "Console" says how to change it)`,
    );
  }
  return lines;
}

function printWelcome(w: Welcome): void {
  console.log(
    [
      `The Name Server boot success. serializeType=JSON, address ${w.namesrvAddr}`,
      `The broker[${w.brokerName}, ${w.brokerAddr}] boot success. serializeType=JSON and name server is ${w.namesrvAddr}`,
      '',
      'KiteMQ standalone is running (Ctrl+C to stop).',
      `  name server  ${w.namesrvAddr}`,
      `  broker       ${w.brokerName} at ${w.brokerAddr}, cluster ${w.cluster}`,
      `  store        ${w.store}`,
      ...(w.metrics[0] ? [`  metrics      ${w.metrics[0]} (broker, Prometheus)`] : []),
      ...(w.metrics[1] ? [`               ${w.metrics[1]} (name server)`] : []),
      ...w.console,
      '',
      'Create a topic (topics are also created on first send while autoCreateTopicEnable=true):',
      `  mqadmin updateTopic -n ${w.namesrvAddr} -c ${w.cluster} -t TopicTest`,
      'Send and receive from the command line:',
      `  kitemq producer -n ${w.namesrvAddr} -t TopicTest -c 10`,
      `  kitemq consumer -n ${w.namesrvAddr} -t TopicTest -g DemoGroup`,
      'or from TypeScript with the SDK in src/client (see README "Send and receive").',
    ].join('\n'),
  );
}
