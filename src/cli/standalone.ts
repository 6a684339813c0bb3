// kitemq standalone (what `npm start` runs): a name server and a broker in one process, on
// loopback, storing under ./data, for trying KiteMQ on one machine. A composition root like
// NamesrvController/BrokerController; production runs mqnamesrv and mqbroker separately.
import { join, resolve } from 'node:path';
import {
  type BrokerConfig,
  type NamesrvConfig,
  parseBrokerConfig,
} from '../common/config/broker-config.js';
import { parseNamesrvConfig } from '../common/config/namesrv-config.js';
import { createLogger, type Logger } from '../common/logger.js';
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
) => `Usage: ${name} [--namesrv-port 9876] [--broker-port 10911] [--store ./data] [-c broker.conf]

Runs a name server and a broker in one process on 127.0.0.1, for development.

  --namesrv-port <port>     name server port (env KITEMQ_NAMESRV_PORT; default 9876; 0: any free)
  --broker-port <port>      broker port; port-2 is opened too (env KITEMQ_BROKER_PORT; default 10911;
                            0: any free pair)
  --store <dir>             storePathRootDir (env KITEMQ_STORE; default ./data)
  -c, --configFile <file>   extra broker settings (Java .properties; see docs/config.md)
  -h, --help                show this help

Stop it with Ctrl+C. For a real deployment run mqnamesrv and mqbroker (see README.md).`;

export async function main(argv: readonly string[], name = 'kitemq standalone'): Promise<void> {
  const spec: CommandSpec = {
    name,
    options: {
      'namesrv-port': { type: 'string' },
      'broker-port': { type: 'string' },
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
    await startBoth(log, namesrvConfig, brokerConfig);
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

async function startBoth(
  log: Logger,
  namesrvConfig: NamesrvConfig,
  brokerConfig: BrokerConfig,
): Promise<void> {
  const [{ NamesrvController }, { BrokerController }] = await Promise.all([
    import('../namesrv/namesrv-controller.js'),
    import('../broker/broker-controller.js'),
  ]);
  const namesrv = new NamesrvController(namesrvConfig, log.child({ component: 'namesrv' }));
  let broker: InstanceType<typeof BrokerController> | undefined;
  let brokerStarted: Promise<void> | undefined;
  const namesrvStarted = namesrv.start();
  // Broker first, then the name server; each waits for its own start() to settle.
  exitOnSignals(log, async () => {
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
  printWelcome({
    namesrvAddr,
    brokerName: brokerConfig.brokerName,
    brokerAddr: `${brokerConfig.brokerIP1}:${boundPort(broker, brokerConfig.listenPort)}`,
    cluster: brokerConfig.brokerClusterName,
    store: resolve(brokerConfig.storePathRootDir),
    metrics: [broker.metricsUrl, namesrv.metricsUrl],
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
