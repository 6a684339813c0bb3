// NamesrvConfig + the name server's NettyServerConfig keys, parsed from namesrv.conf (mqnamesrv -c)
// the same way as broker.conf: typed, defaulted, validated once, frozen.
import { ConfigError } from '../errors.js';
import { DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS } from '../limits.js';
import { parseProperties } from '../properties.js';
import type { NamesrvConfig } from './broker-config.js';
import { nonEmpty } from './checks.js';
import { namesrvMetricsKeys } from './metrics-keys.js';
import { NAMESRV_KEYS_NOT_USED_YET } from './not-used-yet.js';
import {
  type ConfigDefinition,
  type ConfigValue,
  type ParsedConfig,
  parseConfig,
} from './schema.js';

export type { NamesrvConfig } from './broker-config.js';

export const namesrvConfigDefinition: ConfigDefinition<NamesrvConfig> = {
  name: 'name server',
  schema: {
    listenPort: {
      type: 'int',
      default: 9876,
      min: 0,
      max: 65535,
      doc: 'Port clients and brokers connect to. 0 picks a free port.',
    },
    bindAddress: {
      type: 'string',
      default: '0.0.0.0',
      doc: 'Interface the listener binds to (KiteMQ addition; RocketMQ binds all interfaces).',
      check: nonEmpty,
    },
    brokerChannelExpiredTime: {
      type: 'long',
      default: DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS,
      unit: 'ms',
      min: 1000,
      doc: 'A broker that has not re-registered for this long is removed from routes.',
    },
    ...namesrvMetricsKeys,
  },
  notUsedYet: NAMESRV_KEYS_NOT_USED_YET,
};

/** Parses namesrv.conf text: defaults < options.defaults < file < overrides (command line). */
export function parseNamesrvConfig(
  text: string,
  fileName: string,
  overrides: Readonly<Record<string, ConfigValue>> = {},
  defaults: Readonly<Record<string, ConfigValue>> = {},
): ParsedConfig<NamesrvConfig> {
  return parseConfig(namesrvConfigDefinition, { text, fileName, overrides, defaults });
}

/**
 * Keys UPDATE_NAMESRV_CONFIG may change while the name server runs (RocketMQ's
 * Configuration#update sets any field; here only those that take effect without a restart).
 * brokerChannelExpiredTime applies to brokers that register after the change.
 */
export const NAMESRV_RUNTIME_KEYS: readonly (keyof NamesrvConfig)[] = ['brokerChannelExpiredTime'];

/** Why an update was refused: the keys that need a restart, or a parse/validation message. */
export class NamesrvConfigUpdateError extends ConfigError {
  readonly restartKeys: readonly string[];
  constructor(message: string, restartKeys: readonly string[] = []) {
    super(message);
    this.restartKeys = restartKeys;
  }
}

/**
 * Applies `key=value` lines (UPDATE_NAMESRV_CONFIG's body) to `current`: every key must be known,
 * valid and runtime-changeable, or nothing changes. Returns the new config and the keys set.
 */
export function updateNamesrvConfig(
  current: Readonly<NamesrvConfig>,
  text: string,
): { config: Readonly<NamesrvConfig>; changed: (keyof NamesrvConfig)[] } {
  const keys = parseProperties(text, 'UPDATE_NAMESRV_CONFIG').map((e) => e.key);
  const { config, warnings } = parseNamesrvConfig(
    text,
    'UPDATE_NAMESRV_CONFIG',
    {},
    current as unknown as Record<string, ConfigValue>,
  );
  if (warnings.length > 0) throw new NamesrvConfigUpdateError(warnings.join('; '));
  const restart = keys.filter((k) => !(NAMESRV_RUNTIME_KEYS as readonly string[]).includes(k));
  if (restart.length > 0) {
    throw new NamesrvConfigUpdateError(
      `${restart.join(', ')} cannot change at run time: set it in namesrv.conf and restart ` +
        `(run-time keys: ${NAMESRV_RUNTIME_KEYS.join(', ')})`,
      restart,
    );
  }
  return { config, changed: keys as (keyof NamesrvConfig)[] };
}
