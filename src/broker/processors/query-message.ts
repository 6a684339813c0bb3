// QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) (spec part 2 §10.7), answered from the key index
// and the commit log. QUERY_MESSAGE header: topic, key, maxNum, beginTimestamp, endTimestamp
// (and 5.x's _UNIQUE_KEY_QUERY); response header indexLastUpdateTimestamp,
// indexLastUpdatePhyoffset; body = matching stored records, newest first; 22 when none.
// VIEW_MESSAGE_BY_ID header: offset (the commit-log offset inside an offset msgId); body = record.
import { optBool, optInt, reqInt, reqString } from '../../protocol/headers/fields.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

/** BrokerConfig.defaultQueryMaxNum: the cap on one query's results. */
const DEFAULT_QUERY_MAX_NUM = 32;

export class QueryMessageProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly queryMessage = (req: RemotingCommand): RemotingCommand => {
    const e = req.extFields;
    const topic = reqString(e, 'topic');
    const key = reqString(e, 'key');
    let maxNum = Math.min(
      Math.max(optInt(e, 'maxNum', DEFAULT_QUERY_MAX_NUM), 1),
      DEFAULT_QUERY_MAX_NUM,
    );
    if (optBool(e, '_UNIQUE_KEY_QUERY', false)) maxNum = DEFAULT_QUERY_MAX_NUM;
    const begin = optInt(e, 'beginTimestamp', 0);
    const end = optInt(e, 'endTimestamp', Number.MAX_SAFE_INTEGER);
    const r = this.ctx.store.queryMessage(topic, key, maxNum, begin, end);
    const header = {
      indexLastUpdateTimestamp: r.indexLastUpdateTimestamp,
      indexLastUpdatePhyoffset: r.indexLastUpdatePhyoffset,
    };
    if (r.buffers.length === 0) {
      return createResponse(
        req,
        ResponseCode.QUERY_NOT_FOUND,
        `can not find message by key ${key} in topic ${topic}, maybe time range not correct`,
        header,
      );
    }
    return createResponse(req, ResponseCode.SUCCESS, undefined, header, Buffer.concat(r.buffers));
  };

  readonly viewMessageById = (req: RemotingCommand): RemotingCommand => {
    const offset = reqInt(req.extFields, 'offset');
    const bytes = offset >= 0 ? this.ctx.store.getRecordBytes(offset) : undefined;
    if (!bytes) {
      return createResponse(
        req,
        ResponseCode.SYSTEM_ERROR,
        `can not find message by the offset, ${offset}`,
      );
    }
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, bytes);
  };
}
