// mqbroker: starts a broker (RocketMQ's BrokerStartup). Flags: -c broker.conf, -n namesrvAddr
// (overrides the file), -p (print the effective config and exit), -h. Prints RocketMQ's boot line
// on stdout once listening and registered.
import { brokerConfigDefinition, parseBrokerConfig } from '../common/config/broker-config.js';
import { formatConfig } from '../common/config/schema.js';
import { createLogger } from '../common/logger.js';
import {
  CONFIG_FILE_OPTION,
  type CommandSpec,
  HELP_OPTION,
  PRINT_CONFIG_OPTION,
  parseCommandLine,
  readConfigFile,
  stringFlag,
} from './args.js';
import {
  boundPort,
  exitOnSignals,
  logConfigWarnings,
  printConfigWarnings,
  runMain,
} from './lifecycle.js';

const help = (name: string) => `Usage: ${name} [-c broker.conf] [-n host:port;host:port] [-p] [-h]

Starts a KiteMQ broker (RocketMQ-compatible; ports listenPort 10911 and listenPort-2 10909).

  -c, --configFile <file>        broker config file (Java .properties; see conf/broker.conf
                                 and docs/config.md)
  -n, --namesrvAddr <addrs>      name servers, e.g. 127.0.0.1:9876;10.0.0.2:9876
                                 (overrides namesrvAddr in the file and $NAMESRV_ADDR)
  -p, --printConfigItem          print the effective configuration as key=value and exit
  -h, --help                     show this help

Config precedence: defaults < -c file < command line. Stop it with Ctrl+C or SIGTERM.`;

export async function main(argv: readonly string[], name = 'mqbroker'): Promise<void> {
  const spec: CommandSpec = {
    name,
    options: {
      ...CONFIG_FILE_OPTION,
      namesrvAddr: { type: 'string', short: 'n' },
      ...PRINT_CONFIG_OPTION,
      ...HELP_OPTION,
    },
    help: help(name),
  };
  const portHint = 'set listenPort in broker.conf (the broker also needs listenPort-2)';
  await runMain(name, { portHint }, async () => {
    const values = parseCommandLine(spec, argv);
    if (values.help === true) {
      console.log(spec.help);
      return;
    }
    const { text, fileName } = readConfigFile(stringFlag(values, 'configFile'));
    const namesrvAddr = stringFlag(values, 'namesrvAddr');
    const overrides: Record<string, string> = namesrvAddr === undefined ? {} : { namesrvAddr };
    const { config, warnings } = parseBrokerConfig(text, fileName, overrides);
    if (values.printConfigItem === true) {
      printConfigWarnings(name, warnings);
      console.log(formatConfig(brokerConfigDefinition(), config));
      return;
    }
    const log = createLogger('broker');
    logConfigWarnings(log, warnings);
    // Loaded here so -h and -p work without the server's module graph.
    const { BrokerController } = await import('../broker/broker-controller.js');
    const controller = new BrokerController(config, log);
    const started = controller.start();
    // A signal during startup waits for start() to settle, then shuts down what it opened.
    exitOnSignals(log, async () => {
      await started.catch(() => undefined);
      await controller.shutdown();
    });
    await started;
    const addr = `${config.brokerIP1}:${boundPort(controller, config.listenPort)}`;
    const ns = config.namesrvAddr === '' ? '' : ` and name server is ${config.namesrvAddr}`;
    console.log(`The broker[${config.brokerName}, ${addr}] boot success. serializeType=JSON${ns}`);
  });
}
