// kitemq standalone (what `npm start` runs): a name server and a broker in one process, on
// loopback, storing under ./data, for trying KiteMQ on one machine. A composition root like
// NamesrvController/BrokerController; production runs mqnamesrv and mqbroker separately.
import { resolve } from 'node:path';
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
} from './args.js';
import { boundPort, exitOnSignals, logConfigWarnings, runMain } from './lifecycle.js';

const help = (
  name: string,
) => `Usage: ${name} [--namesrv-port 9876] [--broker-port 10911] [--store ./data] [-c broker.conf]

Runs a name server and a broker in one process on 127.0.0.1, for development.

  --namesrv-port <port>     name server port (env KITEMQ_NAMESRV_PORT; default 9876)
  --broker-port <port>      broker port; port-2 is opened too (env KITEMQ_BROKER_PORT; default 10911)
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
  const namesrvPort = portFlag(values, 'namesrv-port', 'KITEMQ_NAMESRV_PORT', 1) ?? 9876;
  const brokerPort = portFlag(values, 'broker-port', 'KITEMQ_BROKER_PORT', 3);
  const store = stringFlag(values, 'store') ?? process.env.KITEMQ_STORE;
  const { text, fileName } = readConfigFile(stringFlag(values, 'configFile'));
  const namesrvConfig = parseNamesrvConfig('', '(standalone)', {
    listenPort: namesrvPort,
    bindAddress: '127.0.0.1',
  }).config;
  const overrides: Record<string, string | number> = { namesrvAddr: `127.0.0.1:${namesrvPort}` };
  if (brokerPort !== undefined) overrides.listenPort = brokerPort;
  if (store !== undefined && store !== '') overrides.storePathRootDir = store;
  const defaults = { storePathRootDir: './data', brokerIP1: '127.0.0.1', bindAddress: '127.0.0.1' };
  const parsed = parseBrokerConfig(text, fileName, overrides, { defaults });
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
  const broker = new BrokerController(brokerConfig, log.child({ component: 'broker' }));
  let brokerStarted: Promise<void> | undefined;
  const namesrvStarted = namesrv.start();
  // Broker first, then the name server; each waits for its own start() to settle.
  exitOnSignals(log, async () => {
    await brokerStarted?.catch(() => undefined);
    if (brokerStarted !== undefined) await broker.shutdown();
    await namesrvStarted.catch(() => undefined);
    await namesrv.shutdown();
  });
  await namesrvStarted;
  brokerStarted = broker.start();
  try {
    await brokerStarted;
  } catch (err) {
    await namesrv.shutdown().catch(() => undefined);
    throw err;
  }
  printWelcome({
    namesrvAddr: `127.0.0.1:${boundPort(namesrv, namesrvConfig.listenPort)}`,
    brokerName: brokerConfig.brokerName,
    brokerAddr: `${brokerConfig.brokerIP1}:${boundPort(broker, brokerConfig.listenPort)}`,
    cluster: brokerConfig.brokerClusterName,
    store: resolve(brokerConfig.storePathRootDir),
  });
}

interface Welcome {
  namesrvAddr: string;
  brokerName: string;
  brokerAddr: string;
  cluster: string;
  store: string;
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
