// Store outcomes as status values (PutMessageStatus, GetMessageStatus). The broker maps them to
// wire codes in one exhaustive place (broker/status-mapping.ts); the store never speaks protocol.
// The slave statuses come from put waiters (MessageStore#addPutWaiter), never from the store.
export const PutMessageStatus = {
  PUT_OK: 'PUT_OK',
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  /** Stored, but the slave did not confirm within the wait (SYNC_MASTER). */
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  /** Stored, but no slave was there to confirm it (SYNC_MASTER). */
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
  MESSAGE_ILLEGAL: 'MESSAGE_ILLEGAL',
  PROPERTIES_SIZE_EXCEEDED: 'PROPERTIES_SIZE_EXCEEDED',
  SERVICE_NOT_AVAILABLE: 'SERVICE_NOT_AVAILABLE',
  OS_PAGE_CACHE_BUSY: 'OS_PAGE_CACHE_BUSY',
  CREATE_MAPPED_FILE_FAILED: 'CREATE_MAPPED_FILE_FAILED',
  UNKNOWN_ERROR: 'UNKNOWN_ERROR',
} as const;
export type PutMessageStatusValue = (typeof PutMessageStatus)[keyof typeof PutMessageStatus];

export const GetMessageStatus = {
  FOUND: 'FOUND',
  NO_MATCHED_MESSAGE: 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING: 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL: 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY: 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE: 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL: 'OFFSET_TOO_SMALL',
  NO_MATCHED_LOGIC_QUEUE: 'NO_MATCHED_LOGIC_QUEUE',
  NO_MESSAGE_IN_QUEUE: 'NO_MESSAGE_IN_QUEUE',
} as const;
export type GetMessageStatusValue = (typeof GetMessageStatus)[keyof typeof GetMessageStatus];
