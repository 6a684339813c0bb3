// mqnamesrv: starts a name server (RocketMQ's NamesrvStartup). Flags: -c namesrv.conf, -p (print
// the effective config and exit), -h. Prints RocketMQ's boot line on stdout once listening (the
// steps mqbroker shares: server-main.ts).

import {
  type NamesrvConfig,
  namesrvConfigDefinition,
  parseNamesrvConfig,
} from '../common/config/namesrv-config.js';
import { formatConfig } from '../common/config/schema.js';
import { CONFIG_FILE_OPTION, type CommandSpec, HELP_OPTION, PRINT_CONFIG_OPTION } from './args.js';
import { boundPort } from './lifecycle.js';
import { serverMain } from './server-main.js';

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
  await serverMain<NamesrvConfig>(
    {
      spec,
      portHint: 'set listenPort in the -c file',
      component: 'namesrv',
      parse: (_values, text, fileName) => parseNamesrvConfig(text, fileName),
      format: (config) => formatConfig(namesrvConfigDefinition(), config),
      async create(config, log, configFile) {
        const { NamesrvController } = await import('../namesrv/namesrv-controller.js');
        return new NamesrvController(config, log, { configPath: configFile });
      },
      bootLine(config, server) {
        const port = boundPort(server, config.listenPort);
        return `The Name Server boot success. serializeType=JSON, address ${config.bindAddress}:${port}`;
      },
    },
    argv,
  );
}
