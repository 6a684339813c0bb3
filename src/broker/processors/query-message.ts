// QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) (spec part 2 §10.7), answered from the key index
// and the commit log. QUERY_MESSAGE header: topic, key, maxNum, beginTimestamp, endTimestamp
// (and 5.x's _UNIQUE_KEY_QUERY); response header indexLastUpdateTimestamp,
// indexLastUpdatePhyoffset; body = matching stored records, newest first; 22 when none.
// VIEW_MESSAGE_BY_ID header: offset (the commit-log offset inside an offset msgId); body = record.
import { DEFAULT_QUERY_MAX_NUM } from '../../common/limits.js';
import { optBool, optInt, optLong, reqLong, reqString } from '../../protocol/headers/fields.js';
import {
  createResponse,
  type ExtFields,
  type RemotingCommand,
} from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';

export interface QueryMessageRequestHeader {
  topic: string;
  key: string;
  maxNum: number;
  beginTimestamp: number;
  endTimestamp: number;
  uniqueKeyQuery: boolean;
}

export function parseQueryMessageHeader(e: ExtFields): QueryMessageRequestHeader {
  return {
    topic: reqString(e, 'topic'),
    key: reqString(e, 'key'),
    maxNum: optInt(e, 'maxNum', DEFAULT_QUERY_MAX_NUM),
    beginTimestamp: optLong(e, 'beginTimestamp', 0),
    endTimestamp: optLong(e, 'endTimestamp', Number.MAX_SAFE_INTEGER),
    uniqueKeyQuery: optBool(e, '_UNIQUE_KEY_QUERY', false),
  };
}

/** VIEW_MESSAGE_BY_ID's one field: the commit-log offset. */
export function parseViewMessageHeader(e: ExtFields): { offset: number } {
  return { offset: reqLong(e, 'offset') };
}

export class QueryMessageProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly queryMessage = (req: RemotingCommand): RemotingCommand => {
    const h = parseQueryMessageHeader(req.extFields);
    const { topic, key } = h;
    const maxNum = h.uniqueKeyQuery
      ? DEFAULT_QUERY_MAX_NUM
      : Math.min(Math.max(h.maxNum, 1), DEFAULT_QUERY_MAX_NUM);
    const r = this.ctx.store.queryMessage(topic, key, maxNum, h.beginTimestamp, h.endTimestamp);
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
    const { offset } = parseViewMessageHeader(req.extFields);
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
