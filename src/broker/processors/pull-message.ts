// PULL_MESSAGE (11) and LITE_PULL_MESSAGE (361) (spec part 2 §2; PullMessageProcessor).
// Header: consumerGroup, topic, queueId, queueOffset, maxMsgNums, sysFlag, commitOffset,
// suspendTimeoutMillis, subscription?, subVersion, expressionType?. Response header:
// suggestWhichBrokerId, nextBeginOffset, minOffset, maxOffset (strings); body = stored records.
// Both headers and the PullSysFlag bits are coded in protocol/headers/pull.ts.
// Codes: 0 FOUND, 19 NOT_FOUND (after long polling), 20 RETRY_IMMEDIATELY, 21 OFFSET_MOVED, and
// the early errors 16/17/23/24/25/26/27/29/1 of §2.3 (23: a posted SQL92 expression that does not
// compile; 27: a heartbeat's one; 1: SQL92 while enablePropertyFilter=false). Which broker to
// pull from next, and what a slave rewrites, is pull-suggest.ts.
import { totalmem } from 'node:os';
import { RequestValidationError } from '../../common/errors.js';
import { MAX_SUSPEND_TIMEOUT_MS } from '../../common/limits.js';
import { isReadable } from '../../common/perm.js';
import { compileSql92, Sql92SyntaxError } from '../../filter/sql92/compile.js';
import { parseTagExpression, tagCodeMatches } from '../../message/filter-api.js';
import { decodeRecordProperties } from '../../message/record-codec.js';
import {
  type DecodedPullHeader,
  decodePullHeader,
  encodePullResponseHeader,
  PullSysFlag,
} from '../../protocol/headers/pull.js';
import {
  createResponse,
  createResponseWithFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Connection } from '../../remoting/connection.js';
import type { MessageStore, RecordFilter } from '../../store/message-store.js';
import { GetMessageStatus } from '../../store/status.js';
import type { BrokerContext } from '../broker-context.js';
import { mapGetStatus } from '../status-mapping.js';
import { suggestBroker, suggestPullingFromSlave } from './pull-suggest.js';

/**
 * The RAM the far-behind test measures against: the machine's, or KITEMQ_TEST_TOTAL_MEMORY_BYTES
 * (a test seam, unset in production) so a test broker process can be made to consume slowly.
 */
function totalMemoryOf(env: NodeJS.ProcessEnv): number {
  const forced = Number(env.KITEMQ_TEST_TOTAL_MEMORY_BYTES);
  return forced > 0 ? forced : totalmem();
}

/** shortPollingTimeMills: how long a pull waits when long polling is off. */
const SHORT_POLLING_TIME_MS = 1_000;

const fail = (code: number, remark: string): never => {
  throw new RequestValidationError(code, remark);
};

export class PullMessageProcessor {
  private readonly ctx: BrokerContext;
  /** StoreUtil.TOTAL_PHYSICAL_MEMORY_SIZE; tests pass a small one. */
  private readonly totalMemoryBytes: number;

  constructor(ctx: BrokerContext, totalMemoryBytes = totalMemoryOf(process.env)) {
    this.ctx = ctx;
    this.totalMemoryBytes = totalMemoryBytes;
  }

  readonly process = (req: RemotingCommand, conn: Connection): Promise<RemotingCommand | null> =>
    this.pull(req, conn, true);

  private async pull(
    req: RemotingCommand,
    conn: Connection,
    allowSuspend: boolean,
  ): Promise<RemotingCommand | null> {
    const h = decodePullHeader(req.extFields);
    const { matches, record } = this.resolveFilter(h);
    const { store, offsets } = this.ctx;
    // A reset by an operator (INVOKE_BROKER_TO_RESET_OFFSET) reaches the client here: its old
    // offset, and the commit riding on this pull, give way to the reset offset (5.x server side).
    const reset = offsets.takePendingReset(h.consumerGroup, h.topic, h.queueId);
    if (reset !== undefined) {
      return createResponseWithFields(
        req,
        ResponseCode.PULL_OFFSET_MOVED,
        'OFFSET_RESET',
        encodePullResponseHeader({
          suggestWhichBrokerId: 0,
          nextBeginOffset: reset,
          minOffset: store.getMinOffsetInQueue(h.topic, h.queueId),
          maxOffset: store.getMaxOffsetInQueue(h.topic, h.queueId),
        }),
      );
    }
    // Commit before any await: a later UPDATE_CONSUMER_OFFSET on the same connection must win.
    if (allowSuspend && (h.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0 && h.commitOffset >= 0) {
      offsets.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
    }
    const getStarted = performance.now();
    const r = store.getMessage(
      h.topic,
      h.queueId,
      h.queueOffset,
      Math.max(1, h.maxMsgNums),
      (code) => matches(code),
      record,
    );
    this.ctx.stats.recordGet(performance.now() - getStarted, r.status === 'FOUND');
    const farBehind =
      r.status === GetMessageStatus.FOUND &&
      suggestPullingFromSlave(
        store,
        h.topic,
        h.queueId,
        r.nextBeginOffset,
        this.ctx.config.accessMessageInMemoryMaxRatio,
        this.totalMemoryBytes,
        { queueOffset: h.queueOffset, buffers: r.buffers },
      );
    const group = this.ctx.groups.find(h.consumerGroup);
    if (!group)
      return fail(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${h.consumerGroup}] was deleted while the pull waited`,
      );
    const { code, suggestWhichBrokerId } = suggestBroker(
      this.ctx,
      group,
      mapGetStatus(r.status, h.queueOffset),
      farBehind,
    );
    if (
      code === ResponseCode.PULL_NOT_FOUND &&
      allowSuspend &&
      (h.sysFlag & PullSysFlag.SUSPEND) !== 0
    ) {
      const timeout = this.ctx.config.longPollingEnable
        ? Math.min(Math.max(h.suspendTimeoutMillis, 0), MAX_SUSPEND_TIMEOUT_MS)
        : SHORT_POLLING_TIME_MS;
      const parked = this.ctx.pullHold.suspend(h.topic, h.queueId, {
        conn,
        offset: h.queueOffset,
        deadlineMs: Date.now() + timeout,
        matches,
        matchesArrival: record && ((at) => arrivalMatches(store, h, at, record)),
        wake: () => this.resume(req, conn),
        group: h.consumerGroup,
      });
      if (parked) return null;
    }
    offsets.commitPullOffset(h.consumerGroup, h.topic, h.queueId, r.nextBeginOffset);
    if (code === ResponseCode.SUCCESS) {
      this.ctx.stats.getTotal += r.messageCount;
      this.ctx.stats.outFlow?.record(h.consumerGroup, h.topic, r.messageCount, r.bufferTotalSize);
      this.ctx.stats.items.add('GROUP_GET_NUMS', `${h.topic}@${h.consumerGroup}`, r.messageCount);
    }
    const body = code === ResponseCode.SUCCESS ? r.body : undefined;
    return createResponseWithFields(
      req,
      code,
      r.status,
      encodePullResponseHeader({
        suggestWhichBrokerId,
        nextBeginOffset: r.nextBeginOffset,
        minOffset: r.minOffset,
        maxOffset: r.maxOffset,
      }),
      body,
    );
  }

  private resume(req: RemotingCommand, conn: Connection): void {
    this.pull(req, conn, false).then(
      (res) => {
        if (!res || conn.isClosed) return;
        this.ctx.pullHold.answered(req, res.code);
        conn.send(res);
      },
      (err: unknown) => {
        const remark = err instanceof RequestValidationError ? err.remark : String(err);
        const code =
          err instanceof RequestValidationError ? err.responseCode : ResponseCode.SYSTEM_ERROR;
        if (conn.isClosed) return;
        this.ctx.pullHold.answered(req, code, true);
        conn.send(createResponse(req, code, remark));
      },
    );
  }

  /**
   * §2.3 checks 1–9; returns the consume-queue filter for this pull (tag hashes; it also decides
   * which arrivals wake a parked pull) and, for SQL92, the filter on each record's properties.
   */
  private resolveFilter(h: DecodedPullHeader): PullFilter {
    const { config, groups, topics, consumers } = this.ctx;
    if (!isReadable(config.brokerPermission)) {
      fail(
        ResponseCode.NO_PERMISSION,
        `the broker[${config.brokerIP1}] pulling message is forbidden`,
      );
    }
    const group = groups.find(h.consumerGroup);
    if (!group) {
      fail(
        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
        `subscription group [${h.consumerGroup}] does not exist; create it or enable autoCreateSubscriptionGroup`,
      );
    } else if (!group.consumeEnable) {
      fail(ResponseCode.NO_PERMISSION, `subscription group no permission, ${h.consumerGroup}`);
    }
    const tc = topics.get(h.topic);
    if (!tc) {
      fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist, apply first please!`);
    } else {
      if (!isReadable(tc.perm))
        fail(ResponseCode.NO_PERMISSION, `the topic[${h.topic}] pulling message is forbidden`);
      if (h.queueId < 0 || h.queueId >= tc.readQueueNums) {
        fail(
          ResponseCode.INVALID_PARAMETER,
          `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${tc.readQueueNums}]`,
        );
      }
    }
    let expression: string | undefined;
    let type = h.expressionType;
    const posted = (h.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0;
    if (posted) {
      expression = h.subscription;
    } else {
      const info = consumers.get(h.consumerGroup);
      const sub = info?.subscriptions.get(h.topic);
      if (!info || !sub) {
        fail(
          ResponseCode.SUBSCRIPTION_NOT_EXIST,
          `the consumer's subscription not exist, group: ${h.consumerGroup} topic: ${h.topic}; send a heartbeat first`,
        );
      } else {
        if (sub.subVersion < h.subVersion) {
          fail(
            ResponseCode.SUBSCRIPTION_NOT_LATEST,
            `the consumer's subscription not latest, group: ${h.consumerGroup}`,
          );
        }
        expression = sub.subString;
        type = sub.expressionType || 'TAG';
      }
    }
    if (type === 'TAG') {
      const sub = parseTagExpression(expression);
      return { matches: (tagsCode) => tagCodeMatches(sub, tagsCode) };
    }
    // As RocketMQ: the filter held for a heartbeat's subscription is looked up before asking
    // whether this broker filters by properties at all; a posted one is compiled after.
    if (!posted && type === 'SQL92') checkHeldSql92(h, expression);
    if (type !== 'SQL92' || !config.enablePropertyFilter) {
      fail(
        ResponseCode.SYSTEM_ERROR,
        `The broker does not support consumer to filter message by ${type}` +
          (type === 'SQL92' ? '; set enablePropertyFilter=true in broker.conf' : ''),
      );
    }
    return sql92Filter(expression);
  }
}

/**
 * Checks a heartbeat's SQL92 expression still compiles. RocketMQ's ConsumerFilterManager keeps none
 * for an expression that does not compile (and drops the old one when a changed expression
 * fails), so the pull is answered FILTER_DATA_NOT_EXIST rather than the posted-expression code.
 */
function checkHeldSql92(h: DecodedPullHeader, expression: string | undefined): void {
  try {
    compileSql92(expression ?? '');
  } catch (err) {
    if (!(err instanceof Sql92SyntaxError)) throw err;
    fail(
      ResponseCode.FILTER_DATA_NOT_EXIST,
      `no filter for group ${h.consumerGroup} topic ${h.topic}: the SQL92 expression of its ` +
        `subscription does not compile: ${err.message}; fix the subscription and restart the consumer`,
    );
  }
}

interface PullFilter {
  matches: (tagsCode: number | undefined) => boolean;
  record?: RecordFilter;
}

/** Whether the message that arrived at queue offset `at` passes the record filter. */
function arrivalMatches(
  store: MessageStore,
  h: DecodedPullHeader,
  at: number,
  record: RecordFilter,
) {
  const r = store.getMessage(h.topic, h.queueId, at, 1, undefined, record);
  return r.status === GetMessageStatus.FOUND;
}

/** A SQL92 subscription: every arrival may match, the record's properties decide. */
function sql92Filter(expression: string | undefined): PullFilter {
  try {
    const filter = compileSql92(expression ?? '');
    return {
      matches: () => true,
      record: (bytes) => filter.matches(decodeRecordProperties(bytes)),
    };
  } catch (err) {
    if (!(err instanceof Sql92SyntaxError)) throw err;
    return fail(
      ResponseCode.SUBSCRIPTION_PARSE_FAILED,
      `parse the consumer's subscription failed: ${err.message}`,
    );
  }
}
