// CHECK_TRANSACTION_STATE (39) from a broker: the half message goes to the transaction checker of
// its PGROUP, as ClientRemotingProcessor#checkTransactionState picks the producer by group. The
// check is one-way and unanswered itself (the checker replies with END_TRANSACTION); a check that
// cannot be read or placed is logged only.
import type { Logger } from '../../common/logger.js';
import { MessageConst, type MessageExt } from '../../message/message.js';
import {
  type CheckTransactionStateRequestHeader,
  decodeCheckTransactionStateHeader,
} from '../../protocol/headers/check-transaction-state.js';
import type { RemotingCommand } from '../../protocol/remoting-command.js';
import type { Connection } from '../../remoting/connection.js';
import { decodeMessages } from './decode-messages.js';

/**
 * Answers a broker's CHECK_TRANSACTION_STATE for one producer group: `msg` is the half message
 * (body inflated), `reply` sends a request back one-way on the connection the check came on.
 */
export type TransactionChecker = (
  check: CheckTransactionStateRequestHeader,
  msg: MessageExt,
  reply: (cmd: RemotingCommand) => void,
) => void;

export function onCheckTransactionState(
  cmd: RemotingCommand,
  conn: Connection,
  checkers: ReadonlyMap<string, TransactionChecker>,
  log: Logger,
): void {
  let check: CheckTransactionStateRequestHeader;
  let msg: MessageExt | undefined;
  try {
    check = decodeCheckTransactionStateHeader(cmd.extFields);
    msg = cmd.body ? decodeMessages(cmd.body)[0] : undefined;
  } catch (err) {
    log.warn({ err }, 'checkTransactionState: the request does not decode');
    return;
  }
  if (!msg) {
    log.warn({}, 'checkTransactionState: the body holds no message');
    return;
  }
  const group = msg.properties[MessageConst.PGROUP];
  const checker = group === undefined ? undefined : checkers.get(group);
  if (!checker) {
    log.warn({ group }, 'checkTransactionState: no transaction producer of that group here');
    return;
  }
  checker(check, msg, (reply) => {
    if (!conn.isClosed) conn.invokeOneway(reply);
  });
}
