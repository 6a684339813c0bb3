// mqnamesrv: starts a name server (RocketMQ's NamesrvStartup). Flags: -c namesrv.conf, -p (print
// the effective config and exit), -h. Prints RocketMQ's boot line on stdout once listening.

import { namesrvConfigDefinition, parseNamesrvConfig } from '../common/config/namesrv-config.js';
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

const help = (name: string) => `Usage: ${name} [-c namesrv.conf] [-p] [-h]

Starts a KiteMQ name server (RocketMQ-compatible, default port 9876).

  -c, --configFile <file>   name server config file (Java .properties; see docs/config.md)
  -p, --printConfigItem     print the effective configuration as key=value and exit
  -h, --help                show this help

Stop it with Ctrl+C or SIGTERM. Set KITEMQ_LOG_LEVEL=debug for more logs.`;

export async function main(argv: readonly string[], name = 'mqnamesrv'): Promise<void> {
  const spec: CommandSpec = {
    name,
    options: { ...CONFIG_FILE_OPTION, ...PRINT_CONFIG_OPTION, ...HELP_OPTION },
    help: help(name),
  };
  await runMain(name, { portHint: 'set listenPort in the -c file' }, async () => {
    const values = parseCommandLine(spec, argv);
    if (values.help === true) {
      console.log(spec.help);
      return;
    }
    const { text, fileName } = readConfigFile(stringFlag(values, 'configFile'));
    const { config, warnings } = parseNamesrvConfig(text, fileName);
    if (values.printConfigItem === true) {
      printConfigWarnings(name, warnings);
      console.log(formatConfig(namesrvConfigDefinition, config));
      return;
    }
    const log = createLogger('namesrv');
    logConfigWarnings(log, warnings);
    // Loaded here so -h and -p work without the server's module graph.
    const { NamesrvController } = await import('../namesrv/namesrv-controller.js');
    const controller = new NamesrvController(config, log);
    const started = controller.start();
    // A signal during startup waits for start() to settle, then shuts down what it opened.
    exitOnSignals(log, async () => {
      await started.catch(() => undefined);
      await controller.shutdown();
    });
    await started;
    const port = boundPort(controller, config.listenPort);
    console.log(
      `The Name Server boot success. serializeType=JSON, address ${config.bindAddress}:${port}`,
    );
  });
}
