// Name-server requests (spec part 1 §3.6): REGISTER_BROKER (103), UNREGISTER_BROKER (104),
// QUERY_DATA_VERSION (322), GET_ROUTEINFO_BY_TOPIC (105), GET_BROKER_CLUSTER_INFO (106),
// GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206), GET_TOPICS_BY_CLUSTER (224),
// DELETE_TOPIC_IN_NAMESRV (216), KV config (100/101/102/219). With orderMessageEnable, a route
// carries orderTopicConf, the topic's ORDER_TOPIC_CONFIG KV value
// (DefaultRequestProcessor#getRouteInfoByTopic); without it, or with no such value, it is left
// out, as ons and Java take a present one for the queue list.
import { bodyCrc32 } from '../../message/record-codec.js';
import { encodeKvTable } from '../../protocol/bodies/kv-table.js';
import {
  type DataVersion,
  decodeDataVersion,
  decodeRegisterBrokerBody,
  encodeClusterInfo,
  encodeTopicRouteData,
  NAMESPACE_ORDER_TOPIC_CONFIG,
  STANDARD_JSON_ROUTE_VERSION,
} from '../../protocol/bodies/route-data.js';
import { encodeTopicList } from '../../protocol/bodies/topic-list.js';
import {
  optBool,
  optInt,
  optLong,
  optString,
  reqLong,
  reqString,
} from '../../protocol/headers/fields.js';
import {
  createResponse,
  type ExtFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { RemotingServer } from '../../remoting/remoting-server.js';
import type { KvConfigManager } from '../kv-config-manager.js';
import type { RouteInfoManager } from '../route-info-manager.js';
import type { LiveNamesrvConfig } from './admin-namesrv.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

export function registerNamesrvProcessors(
  server: RemotingServer,
  routes: RouteInfoManager,
  kv: KvConfigManager,
  live: LiveNamesrvConfig,
): void {
  server.registerProcessor(RequestCode.REGISTER_BROKER, (req, conn) =>
    registerBroker(routes, req, conn),
  );
  server.registerProcessor(RequestCode.UNREGISTER_BROKER, (req) => {
    const h = parseUnregisterBrokerHeader(req.extFields);
    routes.unregisterBroker(h.clusterName, h.brokerAddr, h.brokerName, h.brokerId);
    return createResponse(req, ResponseCode.SUCCESS);
  });
  server.registerProcessor(RequestCode.QUERY_DATA_VERSION, (req) => {
    const addr = reqString(req.extFields, 'brokerAddr');
    let version: DataVersion = { counter: -1, timestamp: -1 };
    try {
      if (req.body) version = decodeDataVersion(req.body);
    } catch (err) {
      // Was a raw SyntaxError (or a TypeError for `null`) answered as such.
      return createResponse(req, ResponseCode.SYSTEM_ERROR, (err as Error).message);
    }
    const r = routes.queryDataVersionChanged(addr, version);
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      { changed: r.changed },
      r.current ? json(r.current) : undefined,
    );
  });
  const orderTopicConf = (topic: string) =>
    live.current.orderMessageEnable ? kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, topic) : undefined;
  registerRouteProcessors(server, routes, orderTopicConf);
  registerKvProcessors(server, kv);
}

function registerRouteProcessors(
  server: RemotingServer,
  routes: RouteInfoManager,
  orderTopicConf: (topic: string) => string | undefined,
): void {
  server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, (req) => {
    const topic = reqString(req.extFields, 'topic');
    const route = routes.pickupTopicRouteData(topic);
    if (!route) {
      return createResponse(
        req,
        ResponseCode.TOPIC_NOT_EXIST,
        `No topic route info in name server for the topic: ${topic}; create it with 'mqadmin updateTopic'`,
      );
    }
    const standard =
      req.version >= STANDARD_JSON_ROUTE_VERSION ||
      optBool(req.extFields, 'acceptStandardJsonOnly', false);
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      encodeTopicRouteData({ ...route, orderTopicConf: orderTopicConf(topic) }, standard),
    );
  });
  server.registerProcessor(RequestCode.GET_BROKER_CLUSTER_INFO, (req) =>
    createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      encodeClusterInfo(routes.clusterInfo(), req.version >= STANDARD_JSON_ROUTE_VERSION),
    ),
  );
  server.registerProcessor(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, (req) =>
    createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      encodeTopicList({ topicList: [...routes.allTopicsSorted()] }),
    ),
  );
  server.registerProcessor(RequestCode.GET_TOPICS_BY_CLUSTER, (req) =>
    createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      encodeTopicList({
        topicList: routes.topicsOfCluster(reqString(req.extFields, 'cluster')).sort(),
      }),
    ),
  );
  server.registerProcessor(RequestCode.DELETE_TOPIC_IN_NAMESRV, (req) => {
    routes.deleteTopic(reqString(req.extFields, 'topic'), optString(req.extFields, 'clusterName'));
    return createResponse(req, ResponseCode.SUCCESS);
  });
}

function registerBroker(
  routes: RouteInfoManager,
  req: RemotingCommand,
  conn: Connection,
): RemotingCommand {
  const e = req.extFields;
  const crc = optInt(e, 'bodyCrc32', 0);
  if (crc !== 0 && req.body && bodyCrc32(req.body) !== crc) {
    return createResponse(
      req,
      ResponseCode.SYSTEM_ERROR,
      'crc32 not match; the register body was corrupted in transit',
    );
  }
  let body: ReturnType<typeof decodeRegisterBrokerBody>;
  try {
    body = decodeRegisterBrokerBody(req.body, optBool(e, 'compressed', false));
  } catch (err) {
    return createResponse(
      req,
      ResponseCode.SYSTEM_ERROR,
      `register body does not decode: ${(err as Error).message}`,
    );
  }
  const complete = optBool(e, 'completeTopicTable', false);
  const result = routes.registerBroker({ ...parseRegisterBrokerHeader(e), body, complete, conn });
  return createResponse(req, ResponseCode.SUCCESS, undefined, result);
}

export function parseUnregisterBrokerHeader(e: ExtFields): {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
} {
  return {
    clusterName: reqString(e, 'clusterName'),
    brokerAddr: reqString(e, 'brokerAddr'),
    brokerName: reqString(e, 'brokerName'),
    brokerId: reqLong(e, 'brokerId'),
  };
}

export function parseRegisterBrokerHeader(e: ExtFields): {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  heartbeatTimeoutMillis: number | undefined;
} {
  return {
    clusterName: reqString(e, 'clusterName'),
    brokerAddr: reqString(e, 'brokerAddr'),
    brokerName: reqString(e, 'brokerName'),
    brokerId: reqLong(e, 'brokerId'),
    haServerAddr: optString(e, 'haServerAddr') ?? '',
    heartbeatTimeoutMillis: optLong(e, 'heartbeatTimeoutMillis'),
  };
}

function registerKvProcessors(server: RemotingServer, kv: KvConfigManager): void {
  server.registerProcessor(RequestCode.PUT_KV_CONFIG, (req) => {
    const e = req.extFields;
    kv.put(reqString(e, 'namespace'), reqString(e, 'key'), reqString(e, 'value'));
    return createResponse(req, ResponseCode.SUCCESS);
  });
  server.registerProcessor(RequestCode.GET_KV_CONFIG, (req) => {
    const ns = reqString(req.extFields, 'namespace');
    const key = reqString(req.extFields, 'key');
    const value = kv.get(ns, key);
    if (value === undefined)
      return createResponse(
        req,
        ResponseCode.QUERY_NOT_FOUND,
        `No config item, Namespace: ${ns} Key: ${key}`,
      );
    return createResponse(req, ResponseCode.SUCCESS, undefined, { value });
  });
  server.registerProcessor(RequestCode.DELETE_KV_CONFIG, (req) => {
    kv.delete(reqString(req.extFields, 'namespace'), reqString(req.extFields, 'key'));
    return createResponse(req, ResponseCode.SUCCESS);
  });
  server.registerProcessor(RequestCode.GET_KVLIST_BY_NAMESPACE, (req) => {
    const ns = reqString(req.extFields, 'namespace');
    const table = kv.list(ns);
    if (!table)
      return createResponse(req, ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${ns}`);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeKvTable(table));
  });
}
