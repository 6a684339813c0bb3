import { describe, expect, it } from 'vitest';
import { ResponseCode } from '../protocol/response-code.js';
import { PutMessageStatus, type PutMessageStatusValue } from '../store/status.js';
import { mapPutStatus } from './status-mapping.js';

// Every store outcome with the wire code a client acts on, and whether the message is stored
// (codes that still carry msgId/queueOffset). SendMessageProcessor#handlePutMessageResult, except
// OS_PAGE_CACHE_BUSY, which KiteMQ answers SYSTEM_BUSY (docs/response-codes.md).
const TABLE: Record<PutMessageStatusValue, { code: number; stored: boolean; remark?: RegExp }> = {
  PUT_OK: { code: ResponseCode.SUCCESS, stored: true },
  FLUSH_DISK_TIMEOUT: { code: ResponseCode.FLUSH_DISK_TIMEOUT, stored: true, remark: /stored/ },
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
