// What mqnamesrv and mqbroker do alike (NamesrvStartup / BrokerStartup): parse the flags, -h
// prints the help, read the -c file, -p prints the effective configuration and exits; otherwise
// log the config warnings, load the server's module graph (only now, so -h and -p work without
// it), start it with graceful shutdown on SIGINT/SIGTERM, and print RocketMQ's boot line.
import type { ParsedConfig } from '../common/config/schema.js';
import { createLogger, type Logger } from '../common/logger.js';
import {
  type CommandSpec,
  type ParsedValues,
  parseCommandLine,
  readConfigFile,
  stringFlag,
} from './args.js';
import { exitOnSignals, logConfigWarnings, printConfigWarnings, runMain } from './lifecycle.js';

export interface Server {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface ServerCommand<C> {
  readonly spec: CommandSpec;
  /** What to change when a port is taken. */
  readonly portHint: string;
  /** The logger's name. */
  readonly component: string;
  parse(values: ParsedValues, text: string, fileName: string): ParsedConfig<C>;
  /** The -p listing. */
  format(config: C): string;
  /** `configFile`: the -c path, for a server that persists config changes into it. */
  create(config: C, log: Logger, configFile: string | undefined): Promise<Server>;
  bootLine(config: C, server: Server): string;
}

export async function serverMain<C>(cmd: ServerCommand<C>, argv: readonly string[]): Promise<void> {
  const name = cmd.spec.name;
  await runMain(name, { portHint: cmd.portHint }, async () => {
    const values = parseCommandLine(cmd.spec, argv);
    if (values.help === true) {
      console.log(cmd.spec.help);
      return;
    }
    const configFile = stringFlag(values, 'configFile');
    const { text, fileName } = readConfigFile(configFile);
    const { config, warnings } = cmd.parse(values, text, fileName);
    if (values.printConfigItem === true) {
      printConfigWarnings(name, warnings);
      console.log(cmd.format(config));
      return;
    }
    const log = createLogger(cmd.component);
    logConfigWarnings(log, warnings);
    const server = await cmd.create(config, log, configFile);
    const started = server.start();
    // A signal during startup waits for start() to settle, then shuts down what it opened.
    exitOnSignals(log, async () => {
      await started.catch(() => undefined);
      await server.shutdown();
    });
    await started;
    console.log(cmd.bootLine(config, server));
  });
}
