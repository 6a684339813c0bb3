// Store outcomes → wire codes, in one exhaustive place: puts as
// SendMessageProcessor#handlePutMessageResult, gets as PullMessageResultHandler.
import { assertNever } from '../common/assert.js';
import { ResponseCode } from '../protocol/response-code.js';
import {
  GetMessageStatus,
  type GetMessageStatusValue,
  PutMessageStatus,
  type PutMessageStatusValue,
} from '../store/status.js';

export interface WireOutcome {
  code: number;
  remark?: string;
  /** Whether the message is stored (codes 0/10/11/12 still carry msgId, queueId, queueOffset). */
  stored: boolean;
}

export function mapPutStatus(status: PutMessageStatusValue, detail?: string): WireOutcome {
  const why = detail ? `: ${detail}` : '';
  switch (status) {
    case PutMessageStatus.PUT_OK:
      return { code: ResponseCode.SUCCESS, stored: true };
    case PutMessageStatus.FLUSH_DISK_TIMEOUT:
      return {
        code: ResponseCode.FLUSH_DISK_TIMEOUT,
        remark:
          'the message is stored but the disk flush exceeded syncFlushTimeout; check disk latency',
        stored: true,
      };
    case PutMessageStatus.FLUSH_SLAVE_TIMEOUT:
      return {
        code: ResponseCode.FLUSH_SLAVE_TIMEOUT,
        remark:
          'the message is stored but no slave confirmed it within slaveTimeout; check the slave and the network to its HA port',
        stored: true,
      };
    case PutMessageStatus.SLAVE_NOT_AVAILABLE:
      return {
        code: ResponseCode.SLAVE_NOT_AVAILABLE,
        remark:
          'the message is stored but not replicated: no slave is connected to this SYNC_MASTER, ' +
          'or it is more than haMaxGapNotInSync behind; start the slave or check haListenPort/brokerIP2',
        stored: true,
      };
    case PutMessageStatus.MESSAGE_ILLEGAL:
      return {
        code: ResponseCode.MESSAGE_ILLEGAL,
        remark: `the message is illegal${why}`,
        stored: false,
      };
    case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
      return {
        code: ResponseCode.MESSAGE_ILLEGAL,
        remark: `the message properties exceed 32767 bytes${why}; use fewer or shorter properties`,
        stored: false,
      };
    case PutMessageStatus.SERVICE_NOT_AVAILABLE:
      return {
        code: ResponseCode.SERVICE_NOT_AVAILABLE,
        remark: `service not available now${why || ', the store may be shutting down or the disk full'}`,
        stored: false,
      };
    case PutMessageStatus.OS_PAGE_CACHE_BUSY:
      return {
        code: ResponseCode.SYSTEM_BUSY,
        remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while; retry later',
        stored: false,
      };
    case PutMessageStatus.CREATE_MAPPED_FILE_FAILED:
      return {
        code: ResponseCode.SYSTEM_ERROR,
        remark: `create mapped file failed${why}; check disk space and permissions of storePathRootDir`,
        stored: false,
      };
    case PutMessageStatus.UNKNOWN_ERROR:
      return {
        code: ResponseCode.SYSTEM_ERROR,
        remark: `unknown store error${why}`,
        stored: false,
      };
    default:
      return assertNever(status, 'unmapped PutMessageStatus');
  }
}

/** GetMessageStatus → response code (PullMessageResultHandler; spec part 2 §2.4). */
export function mapGetStatus(status: GetMessageStatusValue, requestOffset: number): number {
  switch (status) {
    case GetMessageStatus.FOUND:
      return ResponseCode.SUCCESS;
    case GetMessageStatus.NO_MATCHED_MESSAGE:
    case GetMessageStatus.MESSAGE_WAS_REMOVING:
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case GetMessageStatus.NO_MATCHED_LOGIC_QUEUE:
    case GetMessageStatus.NO_MESSAGE_IN_QUEUE:
      return requestOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case GetMessageStatus.OFFSET_FOUND_NULL:
    case GetMessageStatus.OFFSET_OVERFLOW_ONE:
      return ResponseCode.PULL_NOT_FOUND;
    case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
    case GetMessageStatus.OFFSET_TOO_SMALL:
      return ResponseCode.PULL_OFFSET_MOVED;
  }
}
