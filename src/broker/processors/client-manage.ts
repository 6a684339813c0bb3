// HEART_BEAT (34), UNREGISTER_CLIENT (35), CHECK_CLIENT_CONFIG (46) (spec part 2 §1.1, §1.2, §1.5).
// HEART_BEAT body: HeartbeatData JSON {clientID, producerDataSet[], consumerDataSet[]}; it
// auto-creates the subscription group and %RETRY%<group>, registers the consumer (notifying the
// group on change) and the producer groups. Response SUCCESS, no body; a heartbeat that created
// a retry topic is answered once the name servers route it.
import { RequestValidationError } from '../../common/errors.js';
import { compileSql92, Sql92SyntaxError } from '../../filter/sql92/compile.js';
import { parseTagExpression } from '../../message/filter-api.js';
import { optString, reqString } from '../../protocol/headers/fields.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { BrokerContext } from '../broker-context.js';
import type { ClientChannelInfo, SubscriptionData } from '../managers/consumer-manager.js';

interface HeartbeatData {
  clientID?: string;
  producerDataSet?: { groupName?: string }[];
  consumerDataSet?: {
    groupName?: string;
    consumeType?: string;
    messageModel?: string;
    consumeFromWhere?: string;
    subscriptionDataSet?: Partial<SubscriptionData>[];
  }[];
}

const badBody = (remark: string): never => {
  throw new RequestValidationError(ResponseCode.SYSTEM_ERROR, remark);
};

function parseJsonBody<T>(req: RemotingCommand, what: string): T {
  if (!req.body) badBody(`${what} body is missing`);
  let raw: unknown;
  try {
    raw = JSON.parse(req.body!.toString('utf8'));
  } catch (err) {
    badBody(`${what} body is not JSON: ${(err as Error).message}`);
  }
  // `null` or `5` used to fail later as a TypeError on the first field read.
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    badBody(`${what} body is not a JSON object`);
  }
  return raw as T;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** A list of objects, or absent; checked before anything is registered (nothing half-applied). */
function objectList(v: unknown, what: string): Record<string, unknown>[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every(isObject))
    badBody(`HeartbeatData ${what} is not a list of objects`);
  return v as Record<string, unknown>[];
}

/**
 * HeartbeatData's shape, as fastjson would insist on when binding it: lists of objects with string
 * names. Without this a `null` entry threw a TypeError halfway through, after the groups before it
 * had been registered and their retry topics created.
 */
function checkHeartbeat(hb: HeartbeatData): HeartbeatData {
  if (!optionalString(hb.clientID)) badBody('HeartbeatData clientID is not a string');
  for (const p of objectList(hb.producerDataSet, 'producerDataSet')) {
    if (!optionalString(p.groupName)) badBody('HeartbeatData producer groupName is not a string');
  }
  for (const c of objectList(hb.consumerDataSet, 'consumerDataSet')) {
    for (const k of ['groupName', 'consumeType', 'messageModel', 'consumeFromWhere']) {
      if (!optionalString(c[k])) badBody(`HeartbeatData consumer ${k} is not a string`);
    }
    for (const sub of objectList(c.subscriptionDataSet, 'subscriptionDataSet')) {
      for (const k of ['topic', 'subString', 'expressionType']) {
        if (!optionalString(sub[k])) badBody(`HeartbeatData subscription ${k} is not a string`);
      }
    }
  }
  return hb;
}

function normalizeSubscription(s: Partial<SubscriptionData>): SubscriptionData | undefined {
  if (!s.topic) return undefined;
  const type = s.expressionType || 'TAG';
  const tag = type === 'TAG' ? parseTagExpression(s.subString) : undefined;
  return {
    topic: s.topic,
    subString: tag?.subString ?? s.subString ?? '*',
    tagsSet: tag?.tagsSet ?? [],
    codeSet: tag?.codeSet ?? [],
    subVersion: Number(s.subVersion ?? 0),
    expressionType: type,
  };
}

export class ClientManageProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly heartBeat = (
    req: RemotingCommand,
    conn: Connection,
  ): RemotingCommand | Promise<RemotingCommand> => {
    const hb = checkHeartbeat(parseJsonBody<HeartbeatData>(req, 'HeartbeatData'));
    const mark = this.ctx.routes.changeMark();
    const info: ClientChannelInfo = {
      clientId: hb.clientID ?? conn.remoteAddress,
      language: req.language,
      version: req.version,
      lastUpdateTimestamp: Date.now(),
    };
    conn.attributes.set('clientId', info.clientId);
    for (const c of hb.consumerDataSet ?? []) {
      if (!c.groupName) continue;
      const groupConfig = this.ctx.groups.find(c.groupName);
      if (!groupConfig) continue; // RocketMQ silently skips; pulls then answer 26
      this.ctx.topics.createRetryTopicIfAbsent(c.groupName, groupConfig.retryQueueNums);
      const subscriptions = (c.subscriptionDataSet ?? [])
        .map(normalizeSubscription)
        .filter((s): s is SubscriptionData => s !== undefined);
      this.ctx.consumers.register(
        {
          group: c.groupName,
          consumeType: c.consumeType ?? 'CONSUME_PASSIVELY',
          messageModel: c.messageModel ?? 'CLUSTERING',
          consumeFromWhere: c.consumeFromWhere ?? 'CONSUME_FROM_LAST_OFFSET',
          subscriptions,
        },
        conn,
        info,
      );
    }
    for (const p of hb.producerDataSet ?? []) {
      if (p.groupName) this.ctx.producers.register(p.groupName, conn, info);
    }
    // A new group's %RETRY% topic is routed before the answer: the consumer looks it up next.
    // Heartbeats that create nothing (nearly all) answer at once.
    const published = this.ctx.routes.publishSince(mark);
    if (!published) return createResponse(req, ResponseCode.SUCCESS);
    return published.then((remark) => createResponse(req, ResponseCode.SUCCESS, remark));
  };

  readonly unregisterClient = (req: RemotingCommand, conn: Connection): RemotingCommand => {
    reqString(req.extFields, 'clientID');
    const producerGroup = optString(req.extFields, 'producerGroup');
    const consumerGroup = optString(req.extFields, 'consumerGroup');
    if (producerGroup) this.ctx.producers.unregister(producerGroup, conn);
    if (consumerGroup) this.ctx.consumers.unregister(consumerGroup, conn);
    return createResponse(req, ResponseCode.SUCCESS);
  };

  /**
   * ClientManageProcessor#checkClientConfig: TAG always passes; any other type needs
   * enablePropertyFilter (SYSTEM_ERROR otherwise) and an expression that compiles
   * (SUBSCRIPTION_PARSE_FAILED with the reason otherwise, as RocketMQ answers since 4.1).
   */
  readonly checkClientConfig = (req: RemotingCommand): RemotingCommand => {
    const body = parseJsonBody<{ subscriptionData?: Partial<SubscriptionData> }>(
      req,
      'CheckClientRequestBody',
    );
    const sub = body.subscriptionData;
    if (
      sub !== undefined &&
      sub !== null &&
      (!isObject(sub) || !optionalString(sub.expressionType) || !optionalString(sub.subString))
    ) {
      badBody('CheckClientRequestBody subscriptionData needs string expressionType and subString');
    }
    const type = sub?.expressionType || 'TAG';
    if (!sub || type === 'TAG') return createResponse(req, ResponseCode.SUCCESS);
    if (!this.ctx.config.enablePropertyFilter) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `The broker does not support consumer to filter message by ${type}` +
          (type === 'SQL92' ? '; set enablePropertyFilter=true in broker.conf' : ''),
      );
    }
    if (type !== 'SQL92') {
      return createResponse(
        req,
        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
        `no filter for expression type ${type}; use TAG or SQL92`,
      );
    }
    try {
      compileSql92(sub.subString ?? '');
    } catch (err) {
      if (!(err instanceof Sql92SyntaxError)) throw err;
      return createResponse(
        req,
        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
        `the SQL92 expression ${JSON.stringify(sub.subString ?? '')} does not compile: ${err.message}`,
      );
    }
    return createResponse(req, ResponseCode.SUCCESS);
  };
}
