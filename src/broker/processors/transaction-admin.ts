// Operators' view of transactions (transaction/half-admin.ts):
// - KITEMQ_QUERY_HALF_MESSAGES (10301, KiteMQ's own): optional header `topic` (a real topic);
//   body JSON { halfMessages: HalfMessageInfo[], counters: TransactionCounters[] }.
// - KITEMQ_END_HALF_MESSAGE (10302, KiteMQ's own): header `transactionId` and
//   `commitOrRollback` (8 commit, 12 rollback, as END_TRANSACTION); the first decision wins.
// - RESUME_CHECK_HALF_MESSAGE (323, AdminBrokerProcessor#resumeCheckHalfMessage): header `msgId`
//   (the offset msgId of the discarded copy), `topic` optional (RocketMQ 5 routes by it); the
//   message is put back into the half queue with TRANSACTION_CHECK_TIMES=0; SUCCESS, or
//   SYSTEM_ERROR with a remark.
// A slave answers 10302 and 323 with SLAVE_NOT_AVAILABLE.
import { RequestValidationError } from '../../common/errors.js';
import { MessageSysFlag } from '../../message/message.js';
import { optString, reqInt, reqString } from '../../protocol/headers/fields.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import type { DecisionType } from '../transaction/decision-log.js';
import { HalfMessageAdmin } from '../transaction/half-admin.js';

export class TransactionAdminProcessor {
  private readonly ctx: BrokerContext;
  private readonly admin: HalfMessageAdmin;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
    this.admin = new HalfMessageAdmin({
      store: ctx.store,
      transactions: ctx.transactions,
      checks: ctx.transactionChecks,
    });
  }

  readonly queryHalfMessages = (req: RemotingCommand): RemotingCommand => {
    const now = Date.now();
    const topic = optString(req.extFields, 'topic');
    const body = {
      halfMessages: this.admin.list(now, topic),
      counters: this.admin.counters(now).filter((c) => topic === undefined || c.topic === topic),
    };
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      Buffer.from(JSON.stringify(body)),
    );
  };

  readonly endHalfMessage = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const slave = this.refuseOnSlave(req);
    if (slave) return slave;
    const txId = reqString(req.extFields, 'transactionId');
    const d = reqInt(req.extFields, 'commitOrRollback');
    if (
      d !== MessageSysFlag.TRANSACTION_COMMIT_TYPE &&
      d !== MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
    ) {
      throw new RequestValidationError(
        ResponseCode.INVALID_PARAMETER,
        `commitOrRollback must be 8 (commit) or 12 (rollback), not ${d}`,
      );
    }
    const o = await this.admin.force(txId, d as DecisionType);
    this.ctx.log.info({ txId, decision: d, code: o.code }, 'transaction ended by an operator');
    return createResponse(req, o.code, o.remark);
  };

  readonly resumeCheckHalfMessage = async (req: RemotingCommand): Promise<RemotingCommand> => {
    const slave = this.refuseOnSlave(req);
    if (slave) return slave;
    const o = await this.admin.resume(reqString(req.extFields, 'msgId'));
    return createResponse(req, o.code, o.remark);
  };

  private refuseOnSlave(req: RemotingCommand): RemotingCommand | undefined {
    if (this.ctx.config.brokerRole !== 'SLAVE') return undefined;
    return createResponse(
      req,
      ResponseCode.SLAVE_NOT_AVAILABLE,
      'a slave broker does not change transactions; send it to the master',
    );
  }
}
