// NamesrvConfig + the name server's NettyServerConfig keys, parsed from namesrv.conf (mqnamesrv -c)
// the same way as broker.conf: typed, defaulted, validated once, frozen.
import { DEFAULT_BROKER_CHANNEL_EXPIRED_TIME_MS } from '../limits.js';
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
