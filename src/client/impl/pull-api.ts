// PULL_MESSAGE (11) for every reader of the SDK (PullAPIWrapper#pullKernelImpl and
// #processPullResult): the push consumer's pull service, the lite pull consumer and the admin
// client's dead-letter reads. Request: PullMessageRequestHeader from the pull codec
// (protocol/headers/pull.ts). Answer: SUCCESS (FOUND, records in the body), PULL_NOT_FOUND
// (NO_NEW_MSG), PULL_RETRY_IMMEDIATELY (NO_MATCHED_MSG), PULL_OFFSET_MOVED (OFFSET_ILLEGAL), each
// with nextBeginOffset/minOffset/maxOffset; any other code is an error (PullResult and PullStatus
// are declared in consumer-parts.ts). The broker filters by tag hash, so found messages are
// filtered again by tag here, as Java does. Which member of the replica set answers: the one the
// last answer for that queue suggested (suggestWhichBrokerId, updatePullFromWhichNode), found by
// findBrokerAddressInSubscribe; a pull to a slave carries no offset commit, as in Java.
import { MessageConst, type MessageExt } from '../../message/message.js';
import {
  encodePullHeader,
  type PullMessageRequestHeader,
  PullSysFlag,
} from '../../protocol/headers/pull.js';
import { createRequestWithFields, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { MASTER_ID } from './broker-addr-table.js';
import {
  type BrokerInvoker,
  invokeInSubscribe,
  type PullApi,
  type PullResult,
  type PullStatus,
} from './consumer-parts.js';
import { decodeMessages } from './decode-messages.js';

/**
 * A pull answered at once that commits nothing (the lite pull consumer, the admin client's reads):
 * the filter in the request (PullSysFlag.SUBSCRIPTION), no suspension, subVersion 0.
 */
export function plainPullHeader(
  consumerGroup: string,
  topic: string,
  queueId: number,
  queueOffset: number,
  maxMsgNums: number,
  subscription: string,
  expressionType: string | undefined,
): PullMessageRequestHeader {
  return {
    consumerGroup,
    topic,
    queueId,
    queueOffset,
    maxMsgNums,
    sysFlag: PullSysFlag.SUBSCRIPTION,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subscription,
    subVersion: 0,
    expressionType,
  };
}

export function buildPullRequest(header: PullMessageRequestHeader): RemotingCommand {
  return createRequestWithFields(RequestCode.PULL_MESSAGE, encodePullHeader(header));
}

export function statusOf(code: number): PullStatus {
  switch (code) {
    case ResponseCode.SUCCESS:
      return 'FOUND';
    case ResponseCode.PULL_NOT_FOUND:
      return 'NO_NEW_MSG';
    case ResponseCode.PULL_RETRY_IMMEDIATELY:
      return 'NO_MATCHED_MSG';
    case ResponseCode.PULL_OFFSET_MOVED:
      return 'OFFSET_ILLEGAL';
    default:
      return 'ERROR';
  }
}

/** processPullResult: decodes a found body and keeps the messages whose tag is subscribed. */
export function decodePullResult(
  res: RemotingCommand,
  tagsSet: readonly string[],
  fromOffset = 0,
): PullResult {
  const status = statusOf(res.code);
  let msgs: MessageExt[] = [];
  if (status === 'FOUND' && res.body) {
    msgs = decodeMessages(res.body, fromOffset); // a BatchCQ pull may start inside a batch
    if (tagsSet.length > 0) {
      msgs = msgs.filter((m) => tagsSet.includes(m.properties[MessageConst.TAGS] ?? ''));
    }
  }
  return {
    status,
    code: res.code,
    remark: res.remark,
    nextBeginOffset: Number(res.extFields.nextBeginOffset),
    maxOffset: Number(res.extFields.maxOffset),
    msgs,
  };
}

/** PullApi over a client's broker connections. */
export class PullAPIWrapper implements PullApi {
  private readonly broker: BrokerInvoker;
  /** pullFromWhichNodeTable: the broker id each queue's last answer suggested. */
  private readonly pullFromWhichNode = new Map<string, number>();

  constructor(broker: BrokerInvoker) {
    this.broker = broker;
  }

  /** recalculatePullFromWhichNode: the master until a broker suggested otherwise. */
  pullFromWhichNodeOf(brokerName: string, topic: string, queueId: number): number {
    return this.pullFromWhichNode.get(nodeKey(brokerName, topic, queueId)) ?? MASTER_ID;
  }

  async pull(
    brokerName: string,
    header: PullMessageRequestHeader,
    timeoutMs: number,
    tagsSet: readonly string[],
  ): Promise<PullResult> {
    const key = nodeKey(brokerName, header.topic, header.queueId);
    const { res } = await invokeInSubscribe(
      this.broker,
      brokerName,
      this.pullFromWhichNode.get(key) ?? MASTER_ID,
      (from) =>
        buildPullRequest(
          from.slave ? { ...header, sysFlag: header.sysFlag & ~PullSysFlag.COMMIT_OFFSET } : header,
        ),
      timeoutMs,
    );
    const suggested = Number(res.extFields.suggestWhichBrokerId);
    if (Number.isSafeInteger(suggested) && suggested >= 0)
      this.pullFromWhichNode.set(key, suggested);
    return decodePullResult(res, tagsSet, header.queueOffset);
  }
}

const nodeKey = (brokerName: string, topic: string, queueId: number) =>
  `${topic}@${brokerName}@${queueId}`;
