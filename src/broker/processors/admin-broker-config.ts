// UPDATE_BROKER_CONFIG (25), AdminBrokerProcessor#updateBrokerConfig: the body is properties
// text (key=value lines). RocketMQ copies every known key into its config objects and leaves
// it to each component whether it notices; KiteMQ changes only the keys a running broker really
// honours (LIVE_BROKER_CONFIG_KEYS) and refuses the whole request, naming the keys, when any
// other key is present, so an operator is never told a change took effect that did not.
// Answers: SUCCESS; NO_PERMISSION (16) for RocketMQ's configBlackList keys; INVALID_PARAMETER
// for unknown keys, restart-only keys and malformed values. An accepted change is written into
// the broker's -c file (other lines and comments kept; common/config/config-file.ts) before the
// answer, so a restart keeps it. A brokerPermission change bumps the topic DataVersion and
// re-registers with every name server before the answer, as RocketMQ 4.9 does (nextVersion +
// registerBrokerAll): the name server rewrites this broker's queue data only when that version
// changed, so without the bump routes would keep the old perm.
import { type BrokerConfig, parseBrokerConfig } from '../../common/config/broker-config.js';
import { persistConfigChanges, persistFailedRemark } from '../../common/config/config-file.js';
import { KiteError } from '../../common/errors.js';
import { parseProperties } from '../../common/properties.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

/**
 * The keys UPDATE_BROKER_CONFIG changes live. Each is read from ctx.config on every request
 * (pull, heartbeat, send), so the next request sees the new value. Every other key is read
 * once when a component is built (store, timers, registration, managers); changing it needs a
 * restart. brokerPermission is also read per send and pull; the name-server registration is
 * told at once (routes.brokerPermissionChanged), so routes advertise it too.
 */
export const LIVE_BROKER_CONFIG_KEYS: readonly (keyof BrokerConfig)[] = [
  'longPollingEnable',
  'accessMessageInMemoryMaxRatio',
  'enablePropertyFilter',
  'traceOn',
  'slaveReadEnable',
  'brokerPermission',
];

/** BrokerConfig#configBlackList's default: never changed remotely. */
const CONFIG_BLACK_LIST = ['configBlackList', 'brokerConfigPath'];

class RefusedConfig extends KiteError {
  constructor(code: number, remark: string) {
    super('validation', code, remark);
  }
}

/** The typed values of the body's keys, or RefusedConfig naming what cannot be changed. */
function acceptedChanges(ctx: BrokerContext, body: string): Partial<BrokerConfig> {
  const keys = [...new Set(parseProperties(body, 'UPDATE_BROKER_CONFIG').map((e) => e.key))];
  if (keys.length === 0) {
    throw new RefusedConfig(ResponseCode.INVALID_PARAMETER, 'no key=value in the request body');
  }
  const black = keys.filter((k) => CONFIG_BLACK_LIST.includes(k));
  if (black.length > 0) {
    throw new RefusedConfig(
      ResponseCode.NO_PERMISSION,
      `Can not update config in black list: ${black.join(', ')}`,
    );
  }
  const unknown = keys.filter((k) => !(k in ctx.config));
  if (unknown.length > 0) {
    throw new RefusedConfig(
      ResponseCode.INVALID_PARAMETER,
      `unknown broker config key(s): ${unknown.join(', ')}; see docs/config.md`,
    );
  }
  const live = LIVE_BROKER_CONFIG_KEYS as readonly string[];
  const restart = keys.filter((k) => !live.includes(k));
  if (restart.length > 0) {
    throw new RefusedConfig(
      ResponseCode.INVALID_PARAMETER,
      `${restart.join(', ')} cannot change at run time and needs a restart: edit the broker's ` +
        `-c file and restart it (live keys: ${live.join(', ')})`,
    );
  }
  // The schema checks each value's type and range, as a startup would.
  const parsed = parseBrokerConfig(body, 'UPDATE_BROKER_CONFIG').config;
  return Object.fromEntries(keys.map((k) => [k, parsed[k as keyof BrokerConfig]]));
}

export class AdminBrokerConfigProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly updateBrokerConfig = async (req: RemotingCommand): Promise<RemotingCommand> => {
    let changes: Partial<BrokerConfig>;
    try {
      changes = acceptedChanges(this.ctx, req.body?.toString('utf8') ?? '');
    } catch (err) {
      if (!(err instanceof KiteError)) throw err;
      return createResponse(req, err.responseCode, err.remark);
    }
    const path = this.ctx.configPath;
    if (path !== undefined) {
      try {
        persistConfigChanges(path, changes);
      } catch (err) {
        // Not applied either: a change a restart would silently undo is not made.
        return createResponse(req, ResponseCode.SYSTEM_ERROR, persistFailedRemark(path, err));
      }
    }
    // The context is the one object every processor reads its config from per request; the
    // frozen config is replaced whole, never mutated, so a request sees one consistent config.
    (this.ctx as { config: BrokerConfig }).config = Object.freeze({
      ...this.ctx.config,
      ...changes,
    });
    this.ctx.log.info({ changes, persistedTo: path }, 'broker config updated');
    // The change stands either way; a name server that missed it is named in the remark.
    const perm = changes.brokerPermission;
    const missed =
      perm === undefined ? undefined : await this.ctx.routes.brokerPermissionChanged(perm);
    return createResponse(req, ResponseCode.SUCCESS, missed);
  };
}
