// What a master hands its slaves' SlaveSynchronize that no other processor serves yet:
// GET_ALL_CONSUMER_OFFSET (43, AdminBrokerProcessor#getAllConsumerOffset). No header; the body is
// ConsumerOffsetSerializeWrapper, {"offsetTable":{"<topic>@<group>":{queueId: offset}}} (4.9's
// shape: the table keeps no DataVersion of its own, so none is sent); SYSTEM_ERROR "No consumer
// offset in this broker" when the table is empty, as RocketMQ answers. Keys are written quoted
// (standard JSON): fastjson on a Java slave reads them into its Map<Integer, Long> as well as its
// own unquoted form.
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

export class SlaveSyncSourceProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly getAllConsumerOffset = (req: RemotingCommand): RemotingCommand => {
    const offsetTable = this.ctx.offsets.offsetTable();
    if (Object.keys(offsetTable).length === 0) {
      return createResponse(req, ResponseCode.SYSTEM_ERROR, 'No consumer offset in this broker');
    }
    const body = { offsetTable };
    return createResponse(
      req,
      ResponseCode.SUCCESS,
      undefined,
      {},
      Buffer.from(JSON.stringify(body), 'utf8'),
    );
  };
}
