// Raw transaction frames as RocketMQ's clients send them (DefaultMQProducerImpl
// #sendMessageInTransaction, #endTransaction): a half send (sysFlag 0x4, TRAN_MSG, PGROUP) and the
// END_TRANSACTION that settles it, built by the header codecs. Each test keeps its own checks of
// the answers; this only builds and reads the frames.
import { MessageSysFlag } from '../../src/message/message.js';
import { encodeEndTransactionHeader } from '../../src/protocol/headers/end-transaction.js';
import { createRequest, type RemotingCommand } from '../../src/protocol/remoting-command.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import type { RawBroker } from './raw-protocol.js';

/** What END_TRANSACTION needs of a half send's answer. */
export interface RawHalf {
  queueOffset: number;
  commitLogOffset: number;
  transactionId: string;
}

export function sendRawHalf(
  raw: RawBroker,
  topic: string,
  body: string,
  group: string,
): Promise<RemotingCommand> {
  return raw.send(
    topic,
    0,
    body,
    { TRAN_MSG: 'true', PGROUP: group },
    { producerGroup: group, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE },
  );
}

/** The half-queue offset, the commit-log offset (the offset msgId's last 8 bytes) and the id. */
export function halfOf(r: RemotingCommand): RawHalf {
  return {
    queueOffset: Number(r.extFields.queueOffset),
    commitLogOffset: Number.parseInt(r.extFields.msgId!.slice(-16), 16),
    transactionId: r.extFields.transactionId!,
  };
}

export function endTransactionRequest(
  h: RawHalf,
  group: string,
  decision: number,
  oneway: boolean,
): RemotingCommand {
  const ext = encodeEndTransactionHeader({
    producerGroup: group,
    tranStateTableOffset: h.queueOffset,
    commitLogOffset: h.commitLogOffset,
    commitOrRollback: decision,
    fromTransactionCheck: false,
    msgId: h.transactionId,
    transactionId: h.transactionId,
  });
  return createRequest(RequestCode.END_TRANSACTION, 0, ext, undefined, oneway);
}
