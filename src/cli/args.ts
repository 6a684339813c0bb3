// Command-line parsing shared by mqnamesrv, mqbroker, standalone, the kitemq umbrella and the
// client tools (mqadmin, quickstart, bench), on node:util parseArgs. Flags keep RocketMQ's
// letters and long names (ServerUtil#buildCommandlineOptions, NamesrvStartup, BrokerStartup,
// MQAdminStartup): -c configFile, -n namesrvAddr (else $NAMESRV_ADDR), -p printConfigItem,
// -t topic, -g group, -h help.
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ConfigError } from '../common/errors.js';

/** Bad command-line usage: printed as one line with a pointer to -h, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  /** As the user typed it: "mqbroker" or "kitemq broker". */
  readonly name: string;
  readonly options: OptionSpec;
  readonly help: string;
}

export type ParsedValues = Record<string, string | boolean | undefined>;

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies OptionSpec;
export const CONFIG_FILE_OPTION = {
  configFile: { type: 'string', short: 'c' },
} as const satisfies OptionSpec;
export const PRINT_CONFIG_OPTION = {
  printConfigItem: { type: 'boolean', short: 'p' },
} as const satisfies OptionSpec;
/** The flags every client tool takes (MQAdminStartup's -n, -t, -g), and -h. */
export const CLIENT_OPTIONS = {
  ...HELP_OPTION,
  namesrvAddr: { type: 'string', short: 'n' },
  topic: { type: 'string', short: 't' },
  group: { type: 'string', short: 'g' },
} as const satisfies OptionSpec;

/** -n, else $NAMESRV_ADDR (as RocketMQ's tools read it); undefined when neither is set. */
export function namesrvFlag(values: ParsedValues): string | undefined {
  return stringFlag(values, 'namesrvAddr') ?? process.env.NAMESRV_ADDR;
}

/** namesrvFlag, or a UsageError saying how to give one. */
export function requireNamesrv(values: ParsedValues): string {
  const addr = namesrvFlag(values);
  if (!addr) throw new UsageError('no name server: pass -n host:9876 or set NAMESRV_ADDR');
  return addr;
}

/** Parses argv strictly; an unknown flag or a missing value is a UsageError naming it. */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedValues {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: spec.options,
      strict: true,
      allowPositionals: false,
    });
    return values as ParsedValues;
  } catch (err) {
    throw new UsageError(`${describeParseError(err)}; run ${spec.name} -h for help`);
  }
}

function describeParseError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return (e.message ?? 'invalid option value').replace(/\.$/, '');
    default:
      return e.message ?? String(err);
  }
}

/** A string flag's value, or undefined. */
export function stringFlag(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A port from a flag or an environment variable (the flag wins); undefined when neither is set. */
export function portFlag(
  values: ParsedValues,
  flag: string,
  envName: string,
  min = 0,
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const fromFlag = stringFlag(values, flag);
  const raw = fromFlag ?? env[envName];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > 65535) {
    const source = fromFlag !== undefined ? `--${flag}` : `$${envName}`;
    throw new UsageError(`${source}=${raw} is not a port; use a number from ${min} to 65535`);
  }
  return n;
}

/** The text of the -c file (empty when none was given) and the name to use in messages. */
export function readConfigFile(path: string | undefined): { text: string; fileName: string } {
  if (path === undefined) return { text: '', fileName: '(defaults)' };
  try {
    return { text: readFileSync(path, 'utf8'), fileName: path };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (code ?? String(err));
    throw new ConfigError(`cannot read config file ${path}: ${why}; check the -c path`, {
      cause: err,
    });
  }
}
