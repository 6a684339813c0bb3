// mqbroker: starts a broker (RocketMQ's BrokerStartup). Flags: -c broker.conf, -n namesrvAddr
// (overrides the file), -p (print the effective config and exit), -h. Prints RocketMQ's boot line
// on stdout once listening and registered (the steps mqnamesrv shares: server-main.ts).
import {
  type BrokerConfig,
  brokerConfigDefinition,
  parseBrokerConfig,
} from '../common/config/broker-config.js';
import { formatConfig } from '../common/config/schema.js';
import {
  CONFIG_FILE_OPTION,
  type CommandSpec,
  HELP_OPTION,
  PRINT_CONFIG_OPTION,
  stringFlag,
} from './args.js';
import { boundPort } from './lifecycle.js';
import { serverMain } from './server-main.js';

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
  await serverMain<BrokerConfig>(
    {
      spec,
      portHint: 'set listenPort in broker.conf (the broker also needs listenPort-2)',
      component: 'broker',
      parse(values, text, fileName) {
        const namesrvAddr = stringFlag(values, 'namesrvAddr');
        return parseBrokerConfig(text, fileName, namesrvAddr === undefined ? {} : { namesrvAddr });
      },
      format: (config) => formatConfig(brokerConfigDefinition(), config),
      async create(config, log, configFile) {
        const { BrokerController } = await import('../broker/broker-controller.js');
        return new BrokerController(config, log, configFile);
      },
      bootLine(config, server) {
        const addr = `${config.brokerIP1}:${boundPort(server, config.listenPort)}`;
        const ns = config.namesrvAddr === '' ? '' : ` and name server is ${config.namesrvAddr}`;
        return `The broker[${config.brokerName}, ${addr}] boot success. serializeType=JSON${ns}`;
      },
    },
    argv,
  );
}
