// The producer's END_TRANSACTION requests (spec transactions.md §1.2, §1.5), both one-way:
// - after the local transaction: DefaultMQProducerImpl#endTransaction. The offsets are the half
//   send's (tranStateTableOffset = its queueOffset, commitLogOffset = decoded from its offset
//   message id), topic = the wire topic, bname = the broker that took the half, msgId and
//   transactionId = the UNIQ_KEY (the broker answers the send with transactionId = UNIQ_KEY;
//   Java echoes that answer, which is the same string).
// - answering a check-back: DefaultMQProducerImpl#checkTransactionState's processTransactionState.
//   topic, offsets, bname and transactionId come from the check header, msgId is the checked
//   message's UNIQ_KEY (its offset id without one), fromTransactionCheck = true.
// A listener's answer becomes the commitOrRollback flag: COMMIT 8, ROLLBACK 12, UNKNOWN 0; a throw,
// or anything else returned (Java's null), is UNKNOWN, and a throw's text goes into the remark.
import { MessageConst, type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeOffsetMsgId } from '../../message/message-id.js';
import type { CheckTransactionStateRequestHeader } from '../../protocol/headers/check-transaction-state.js';
import { encodeEndTransactionHeader } from '../../protocol/headers/end-transaction.js';
import { createRequestWithFields, type RemotingCommand } from '../../protocol/remoting-command.js';
import { RequestCode } from '../../protocol/request-code.js';
import type { SendAttempt } from './send-path.js';

/**
 * Java's LocalTransactionState. A sync listener may return the strings; an async one returns
 * these (or `'COMMIT' as const`): TypeScript widens a string literal an async function returns.
 */
export const LocalTransactionState = {
  COMMIT: 'COMMIT',
  ROLLBACK: 'ROLLBACK',
  UNKNOWN: 'UNKNOWN',
} as const;
export type LocalTransactionState =
  (typeof LocalTransactionState)[keyof typeof LocalTransactionState];

const FLAG: Record<LocalTransactionState, number> = {
  COMMIT: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  ROLLBACK: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  UNKNOWN: MessageSysFlag.TRANSACTION_NOT_TYPE,
};

/** What a listener decided, and the error it threw if it threw. */
export interface ListenerOutcome {
  state: LocalTransactionState;
  error?: unknown;
}

/** Runs a listener callback (sync or async): a throw or an unknown answer is UNKNOWN. */
export async function runListener(
  fn: () => LocalTransactionState | Promise<LocalTransactionState>,
): Promise<ListenerOutcome> {
  try {
    const state = await fn();
    return { state: Object.hasOwn(FLAG, state) ? state : 'UNKNOWN' };
  } catch (error) {
    return { state: 'UNKNOWN', error };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function oneway(ext: Record<string, string>, remark: string | undefined): RemotingCommand {
  const req = createRequestWithFields(RequestCode.END_TRANSACTION, ext);
  if (remark !== undefined) req.remark = remark;
  return req; // Connection#invokeOneway sets the one-way flag and the opaque
}

/** The END_TRANSACTION after a half send (DefaultMQProducerImpl#endTransaction). */
export function endTransactionRequest(args: {
  producerGroup: string;
  /** The topic as it went on the wire (with the namespace). */
  topic: string;
  half: SendAttempt;
  uniqKey: string;
  outcome: ListenerOutcome;
}): RemotingCommand {
  const { half, outcome } = args;
  const ext = encodeEndTransactionHeader({
    topic: args.topic,
    producerGroup: args.producerGroup,
    tranStateTableOffset: half.queueOffset,
    commitLogOffset: decodeOffsetMsgId(half.offsetMsgId).commitLogOffset,
    commitOrRollback: FLAG[outcome.state],
    fromTransactionCheck: false,
    msgId: args.uniqKey,
    transactionId: args.uniqKey,
    bname: half.messageQueue.brokerName,
  });
  const remark =
    'error' in outcome
      ? `executeLocalTransactionBranch exception: ${errorText(outcome.error)}`
      : undefined;
  return oneway(ext, remark);
}

/** The END_TRANSACTION answering a CHECK_TRANSACTION_STATE (processTransactionState). */
export function checkAnswerRequest(args: {
  producerGroup: string;
  check: CheckTransactionStateRequestHeader;
  msg: MessageExt;
  outcome: ListenerOutcome;
}): RemotingCommand {
  const { check, outcome } = args;
  const ext = encodeEndTransactionHeader({
    topic: check.topic,
    producerGroup: args.producerGroup,
    tranStateTableOffset: check.tranStateTableOffset,
    commitLogOffset: check.commitLogOffset,
    commitOrRollback: FLAG[outcome.state],
    fromTransactionCheck: true,
    msgId: args.msg.properties[MessageConst.UNIQ_KEY] ?? args.msg.offsetMsgId,
    transactionId: check.transactionId,
    bname: check.bname,
  });
  const remark =
    'error' in outcome
      ? `checkLocalTransactionState Exception: ${errorText(outcome.error)}`
      : undefined;
  return oneway(ext, remark);
}
