// NamesrvConfig + the name server's NettyServerConfig keys, parsed from namesrv.conf (mqnamesrv -c)
// the same way as broker.conf: typed, defaulted, validated once, frozen.
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS } from '../limits.js';
import { parseProperties } from '../properties.js';
import { type ConfigEnv, type NamesrvConfig, systemConfigEnv } from './broker-config.js';
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

/** `env.homeDir` places the KV file, as RocketMQ's user.home does. */
export function namesrvConfigDefinition(
  env: Pick<ConfigEnv, 'homeDir'> = systemConfigEnv(),
): ConfigDefinition<NamesrvConfig> {
  return { name: 'name server', schema: namesrvSchema(env), notUsedYet: NAMESRV_KEYS_NOT_USED_YET };
}

function namesrvSchema(env: Pick<ConfigEnv, 'homeDir'>): ConfigDefinition<NamesrvConfig>['schema'] {
  return {
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
    kvConfigPath: {
      type: 'string',
      default: join(env.homeDir, 'namesrv', 'kvConfig.json'),
      defaultText: '$HOME/namesrv/kvConfig.json',
      doc:
        'JSON file of the KV config (updateKvConfig, updateOrderConf), rewritten on every change ' +
        'and read at startup.',
      check: nonEmpty,
    },
    orderMessageEnable: {
      type: 'bool',
      default: false,
      doc:
        'Routes carry orderTopicConf, the ORDER_TOPIC_CONFIG KV value of the topic ' +
        '(updateOrderConf); clients then build their queues from it instead of queueDatas.',
    },
    ...namesrvMetricsKeys,
  };
}

/** Parses namesrv.conf text: defaults < options.defaults < file < overrides (command line). */
export function parseNamesrvConfig(
  text: string,
  fileName: string,
  overrides: Readonly<Record<string, ConfigValue>> = {},
  defaults: Readonly<Record<string, ConfigValue>> = {},
  env?: Pick<ConfigEnv, 'homeDir'>,
): ParsedConfig<NamesrvConfig> {
  return parseConfig(namesrvConfigDefinition(env), { text, fileName, overrides, defaults });
}

/**
 * Keys UPDATE_NAMESRV_CONFIG may change while the name server runs (RocketMQ's
 * Configuration#update sets any field; here only those that take effect without a restart).
 * brokerChannelExpiredTime applies to brokers that register after the change;
 * orderMessageEnable is read by every route request.
 */
export const NAMESRV_RUNTIME_KEYS: readonly (keyof NamesrvConfig)[] = [
  'brokerChannelExpiredTime',
  'orderMessageEnable',
];

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
