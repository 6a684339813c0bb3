// RocketMQ response codes (5.x ResponseCode + RemotingSysResponseCode). docs/response-codes.md
// documents each one; a unit test keeps the two in step. Which send answers a producer retries on
// another queue (DefaultMQProducer#retryResponseCodes) is kept here too, as data.
export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  INVALID_PARAMETER: 29,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  ILLEGAL_OPERATION: 604,
} as const;

export type ResponseCodeValue = (typeof ResponseCode)[keyof typeof ResponseCode];

const names = new Map<number, string>(Object.entries(ResponseCode).map(([k, v]) => [v, k]));

export function responseCodeName(code: number): string {
  return names.get(code) ?? `UNKNOWN(${code})`;
}

/** NO_BUYER_ID / NOT_IN_CURRENT_UNIT: Java's producer retries them; no KiteMQ broker sends them. */
const NO_BUYER_ID = 204;
const NOT_IN_CURRENT_UNIT = 205;

/**
 * DefaultMQProducer#retryResponseCodes as of 5.3: a failed send answered with one of these is
 * tried again on another queue. (Later Java adds GO_AWAY, 1500, which no KiteMQ broker sends.)
 */
const RETRIABLE_SEND_RESPONSE: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
  NO_BUYER_ID,
  NOT_IN_CURRENT_UNIT,
]);

export function isRetriableSendResponse(code: number): boolean {
  return RETRIABLE_SEND_RESPONSE.has(code);
}
