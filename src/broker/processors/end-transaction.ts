// END_TRANSACTION (37), producer -> broker, one-way from the Java and Go clients
// (EndTransactionProcessor#processRequest, spec transactions.md §1.2; header codec:
// protocol/headers/end-transaction.ts). Answered only when the request is not one-way.
// - a SLAVE: SLAVE_NOT_AVAILABLE, nothing looked at.
// - a header that does not decode: its RequestValidationError (SYSTEM_ERROR or
//   INVALID_PARAMETER with a remark naming the field); nothing changes.
// - commitOrRollback 0 (the producer does not know yet): nothing happens, SUCCESS; RocketMQ
//   answers nothing at all, which would leave a synchronous caller waiting for its timeout.
// - the half message is read at commitLogOffset and checked as checkPrepareMessage does, with
//   RocketMQ's remarks (SYSTEM_ERROR): found and in RMQ_SYS_TRANS_HALF_TOPIC, PGROUP =
//   producerGroup, queue offset = tranStateTableOffset.
// - a late direct commit (rejectCommitOrRollback): not fromTransactionCheck, the half carries
//   CHECK_IMMUNITY_TIME_IN_SECONDS and was born longer ago than max(immunity, transactionTimeOut)
//   -> ILLEGAL_OPERATION (604), nothing recorded: the check-back decides it. Unlike RocketMQ, a
//   transaction already decided is not refused so, but answered by its first decision.
// - then transaction/transaction-service.ts records the decision and acts on it (first wins).
import { RequestValidationError } from '../../common/errors.js';
import type { MessageExt } from '../../message/message.js';
import { MessageConst, MessageSysFlag } from '../../message/message.js';
import { RMQ_SYS_TRANS_HALF_TOPIC } from '../../message/system-topics.js';
import { decodeEndTransactionHeader } from '../../protocol/headers/end-transaction.js';
import { createResponse, isOneway, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import { CHECK_IMMUNITY_TIME_IN_SECONDS } from '../transaction/check-service.js';
import type { DecisionType } from '../transaction/decision-log.js';
import { transactionIdOf } from '../transaction/transaction-service.js';

export const ILLEGAL_OPERATION = ResponseCode.ILLEGAL_OPERATION;

/**
 * EndTransactionProcessor#rejectCommitOrRollback for a commit: true when a half carrying
 * CHECK_IMMUNITY_TIME_IN_SECONDS is older (since born) than max(immunity, transactionTimeOut).
 */
export function lateDirectCommit(
  half: MessageExt,
  transactionTimeOut: number,
  now: number,
): boolean {
  const prop = half.properties[CHECK_IMMUNITY_TIME_IN_SECONDS];
  if (prop === undefined || prop === '') return false;
  const immunity = Number(prop) * 1000;
  const limit = Number.isFinite(immunity)
    ? Math.max(immunity, transactionTimeOut)
    : transactionTimeOut;
  return now - half.bornTimestamp > limit;
}

export class EndTransactionProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly process = async (req: RemotingCommand): Promise<RemotingCommand | null> => {
    const answer = (code: number, remark?: string) =>
      isOneway(req) ? null : createResponse(req, code, remark);
    if (this.ctx.config.brokerRole === 'SLAVE') {
      return answer(
        ResponseCode.SLAVE_NOT_AVAILABLE,
        "Can't process END_TRANSACTION on a slave broker; send it to the master",
      );
    }
    let h: ReturnType<typeof decodeEndTransactionHeader>;
    try {
      h = decodeEndTransactionHeader(req.extFields);
    } catch (err) {
      if (err instanceof RequestValidationError) return answer(err.responseCode, err.remark);
      throw err;
    }
    if (h.commitOrRollback === MessageSysFlag.TRANSACTION_NOT_TYPE) {
      this.ctx.log.debug(
        {
          transactionId: h.transactionId,
          group: h.producerGroup,
          fromCheck: h.fromTransactionCheck,
        },
        'END_TRANSACTION with state unknown: nothing to do',
      );
      return answer(ResponseCode.SUCCESS, 'state unknown: nothing done');
    }
    const half = this.ctx.store.lookMessageByOffset(h.commitLogOffset);
    if (!half || half.topic !== RMQ_SYS_TRANS_HALF_TOPIC) {
      return answer(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
    }
    if (half.properties[MessageConst.PGROUP] !== h.producerGroup) {
      return answer(ResponseCode.SYSTEM_ERROR, 'The producer group wrong');
    }
    if (half.queueOffset !== h.tranStateTableOffset) {
      return answer(ResponseCode.SYSTEM_ERROR, 'The transaction state table offset wrong');
    }
    if (
      h.commitOrRollback === MessageSysFlag.TRANSACTION_COMMIT_TYPE &&
      !h.fromTransactionCheck &&
      this.ctx.transactions.decisionOf(transactionIdOf(half)) === undefined &&
      lateDirectCommit(half, this.ctx.config.transactionTimeOut, Date.now())
    ) {
      this.ctx.log.warn(
        { transactionId: h.transactionId, commitLogOffset: h.commitLogOffset },
        'late commit past CHECK_IMMUNITY_TIME_IN_SECONDS refused: the check-back decides',
      );
      return answer(
        ILLEGAL_OPERATION,
        'the half message is older than its CHECK_IMMUNITY_TIME_IN_SECONDS: wait for the check-back',
      );
    }
    const o = await this.ctx.transactions.end(half, h.commitOrRollback as DecisionType);
    if (o.code !== ResponseCode.SUCCESS) {
      this.ctx.log.warn(
        { transactionId: h.transactionId, code: o.code, remark: o.remark },
        'END_TRANSACTION not done',
      );
    }
    return answer(o.code, o.remark);
  };
}
