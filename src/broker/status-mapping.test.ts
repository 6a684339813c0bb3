import { describe, expect, it } from 'vitest';
import { ResponseCode } from '../protocol/response-code.js';
import {
  GetMessageStatus,
  type GetMessageStatusValue,
  PutMessageStatus,
  type PutMessageStatusValue,
} from '../store/status.js';
import { mapGetStatus, mapPutStatus } from './status-mapping.js';

// Every store outcome with the wire code a client acts on, and whether the message is stored
// (codes that still carry msgId/queueOffset). SendMessageProcessor#handlePutMessageResult, except
// OS_PAGE_CACHE_BUSY, which KiteMQ answers SYSTEM_BUSY (docs/response-codes.md).
const TABLE: Record<PutMessageStatusValue, { code: number; stored: boolean; remark?: RegExp }> = {
  PUT_OK: { code: ResponseCode.SUCCESS, stored: true },
  FLUSH_DISK_TIMEOUT: { code: ResponseCode.FLUSH_DISK_TIMEOUT, stored: true, remark: /stored/ },
  FLUSH_SLAVE_TIMEOUT: { code: ResponseCode.FLUSH_SLAVE_TIMEOUT, stored: true, remark: /stored/ },
  SLAVE_NOT_AVAILABLE: { code: ResponseCode.SLAVE_NOT_AVAILABLE, stored: true, remark: /stored/ },
  MESSAGE_ILLEGAL: { code: ResponseCode.MESSAGE_ILLEGAL, stored: false },
  PROPERTIES_SIZE_EXCEEDED: { code: ResponseCode.MESSAGE_ILLEGAL, stored: false, remark: /32767/ },
  SERVICE_NOT_AVAILABLE: { code: ResponseCode.SERVICE_NOT_AVAILABLE, stored: false },
  OS_PAGE_CACHE_BUSY: {
    code: ResponseCode.SYSTEM_BUSY,
    stored: false,
    remark: /^\[PC_SYNCHRONIZED\]broker busy/,
  },
  CREATE_MAPPED_FILE_FAILED: { code: ResponseCode.SYSTEM_ERROR, stored: false, remark: /disk/ },
  UNKNOWN_ERROR: { code: ResponseCode.SYSTEM_ERROR, stored: false },
};

describe('mapPutStatus', () => {
  it('covers every PutMessageStatus', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.values(PutMessageStatus).sort());
  });

  for (const [status, want] of Object.entries(TABLE)) {
    it(`${status} → ${want.code}`, () => {
      const out = mapPutStatus(status as PutMessageStatusValue);
      expect(out.code).toBe(want.code);
      expect(out.stored).toBe(want.stored);
      if (want.remark) expect(out.remark).toMatch(want.remark);
      if (want.code !== ResponseCode.SUCCESS) expect(out.remark).toBeTruthy();
    });
  }

  it('puts the detail in the remark of a refused message', () => {
    expect(mapPutStatus(PutMessageStatus.MESSAGE_ILLEGAL, 'topic too long').remark).toContain(
      'topic too long',
    );
  });
});

// Every get outcome with the pull code the client acts on, for a request at offset 0 and past it
// (PullMessageResultHandler; an empty queue asked at a non-zero offset moves the consumer).
const GET_TABLE: Record<GetMessageStatusValue, { atZero: number; past: number }> = {
  FOUND: { atZero: ResponseCode.SUCCESS, past: ResponseCode.SUCCESS },
  NO_MATCHED_MESSAGE: {
    atZero: ResponseCode.PULL_RETRY_IMMEDIATELY,
    past: ResponseCode.PULL_RETRY_IMMEDIATELY,
  },
  MESSAGE_WAS_REMOVING: {
    atZero: ResponseCode.PULL_RETRY_IMMEDIATELY,
    past: ResponseCode.PULL_RETRY_IMMEDIATELY,
  },
  NO_MATCHED_LOGIC_QUEUE: {
    atZero: ResponseCode.PULL_NOT_FOUND,
    past: ResponseCode.PULL_OFFSET_MOVED,
  },
  NO_MESSAGE_IN_QUEUE: {
    atZero: ResponseCode.PULL_NOT_FOUND,
    past: ResponseCode.PULL_OFFSET_MOVED,
  },
  OFFSET_FOUND_NULL: { atZero: ResponseCode.PULL_NOT_FOUND, past: ResponseCode.PULL_NOT_FOUND },
  OFFSET_OVERFLOW_ONE: { atZero: ResponseCode.PULL_NOT_FOUND, past: ResponseCode.PULL_NOT_FOUND },
  OFFSET_OVERFLOW_BADLY: {
    atZero: ResponseCode.PULL_OFFSET_MOVED,
    past: ResponseCode.PULL_OFFSET_MOVED,
  },
  OFFSET_TOO_SMALL: {
    atZero: ResponseCode.PULL_OFFSET_MOVED,
    past: ResponseCode.PULL_OFFSET_MOVED,
  },
};

describe('mapGetStatus', () => {
  it('covers every GetMessageStatus', () => {
    expect(Object.keys(GET_TABLE).sort()).toEqual(Object.values(GetMessageStatus).sort());
  });

  for (const [status, want] of Object.entries(GET_TABLE)) {
    it(`${status} → ${want.atZero} at offset 0, ${want.past} past it`, () => {
      expect(mapGetStatus(status as GetMessageStatusValue, 0)).toBe(want.atZero);
      expect(mapGetStatus(status as GetMessageStatusValue, 7)).toBe(want.past);
    });
  }
});
