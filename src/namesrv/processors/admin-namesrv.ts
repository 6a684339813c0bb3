// Name-server admin requests (DefaultRequestProcessor, RocketMQ 5.x):
//   WIPE_WRITE_PERM_OF_BROKER (205) / ADD_WRITE_PERM_OF_BROKER (327): header `brokerName`;
//     answers SUCCESS with `wipeTopicCount` / `addTopicCount` (topics whose queue data changed).
//   GET_NAMESRV_CONFIG (319): SUCCESS, body the effective config as `key=value` lines (UTF-8).
//   UPDATE_NAMESRV_CONFIG (318): body `key=value` lines. SUCCESS when every key changes at run
//     time; NO_PERMISSION naming the keys that need a restart (Java refuses its black list the
//     same way); SYSTEM_ERROR for an unknown key, a bad value, or a -c file that cannot be
//     written. An accepted change is written into the -c file first (NamesrvStartup sets
//     configStorePath to it, where Configuration#persist writes), so a restart keeps it; a name
//     server started without -c keeps the change in memory only.
//   GET_SYSTEM_TOPIC_LIST_FROM_NS (304): SUCCESS, body TopicList of cluster and broker names.

import { persistConfigChanges, persistFailedRemark } from '../../common/config/config-file.js';
import {
  type NamesrvConfig,
  NamesrvConfigUpdateError,
  namesrvConfigDefinition,
  updateNamesrvConfig,
} from '../../common/config/namesrv-config.js';
import { formatConfig } from '../../common/config/schema.js';
import { ConfigError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { encodeTopicList } from '../../protocol/bodies/topic-list.js';
import { reqString } from '../../protocol/headers/fields.js';
import { createResponse } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { RemotingServer } from '../../remoting/remoting-server.js';
import type { RouteInfoManager } from '../route-info-manager.js';

/** The config the name server runs with; UPDATE_NAMESRV_CONFIG replaces `current`. */
export interface LiveNamesrvConfig {
  current: Readonly<NamesrvConfig>;
  /** The -c file changes persist into; undefined when started without one. */
  readonly configPath?: string;
}

export function registerNamesrvAdminProcessors(
  server: RemotingServer,
  routes: RouteInfoManager,
  live: LiveNamesrvConfig,
  log: Logger,
): void {
  server.registerProcessor(RequestCode.WIPE_WRITE_PERM_OF_BROKER, (req) => {
    const brokerName = reqString(req.extFields, 'brokerName');
    const wipeTopicCount = routes.operateWritePermOfBroker(brokerName, 'wipe');
    log.info({ brokerName, wipeTopicCount }, 'write perm of broker wiped');
    return createResponse(req, ResponseCode.SUCCESS, undefined, { wipeTopicCount });
  });
  server.registerProcessor(RequestCode.ADD_WRITE_PERM_OF_BROKER, (req) => {
    const brokerName = reqString(req.extFields, 'brokerName');
    const addTopicCount = routes.operateWritePermOfBroker(brokerName, 'add');
    log.info({ brokerName, addTopicCount }, 'write perm of broker added');
    return createResponse(req, ResponseCode.SUCCESS, undefined, { addTopicCount });
  });
  server.registerProcessor(RequestCode.GET_NAMESRV_CONFIG, (req) => {
    const text = formatConfig(namesrvConfigDefinition(), live.current);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, Buffer.from(text, 'utf8'));
  });
  server.registerProcessor(RequestCode.UPDATE_NAMESRV_CONFIG, (req) => {
    // Java answers an empty body with SUCCESS and changes nothing.
    if (!req.body || req.body.length === 0) return createResponse(req, ResponseCode.SUCCESS);
    let update: ReturnType<typeof updateNamesrvConfig>;
    try {
      update = updateNamesrvConfig(live.current, req.body.toString('utf8'));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const refused = err instanceof NamesrvConfigUpdateError && err.restartKeys.length > 0;
      const code = refused ? ResponseCode.NO_PERMISSION : ResponseCode.SYSTEM_ERROR;
      return createResponse(req, code, err.remark);
    }
    const { config, changed } = update;
    if (live.configPath !== undefined) {
      try {
        persistConfigChanges(
          live.configPath,
          Object.fromEntries(changed.map((k) => [k, config[k]])),
        );
      } catch (err) {
        // Not applied either: a change a restart would silently undo is not made.
        return createResponse(
          req,
          ResponseCode.SYSTEM_ERROR,
          persistFailedRemark(live.configPath, err),
        );
      }
    }
    live.current = config;
    if (changed.includes('brokerChannelExpiredTime'))
      routes.setDefaultTimeoutMs(config.brokerChannelExpiredTime);
    log.info({ changed, persistedTo: live.configPath }, 'name server config updated');
    return createResponse(req, ResponseCode.SUCCESS);
  });
  server.registerProcessor(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, (req) =>
    createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      encodeTopicList(routes.systemTopicList()),
    ),
  );
}
