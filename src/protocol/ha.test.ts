import { describe, expect, it } from 'vitest';
import {
  decodeAuthChallenge,
  encodeAuthChallenge,
  encodeAuthResponse,
  encodeSlaveReport,
  encodeTransferHeader,
  HaProtocolError,
  SlaveReportReader,
  TransferReader,
  verifyAuthResponse,
} from './ha.js';

describe('classic HA wire', () => {
  it('a report is the offset as 8 big-endian bytes', () => {
    expect(encodeSlaveReport(0x0102030405).toString('hex')).toBe('0000000102030405');
    expect(encodeSlaveReport(2 ** 40 + 7).toString('hex')).toBe('0000010000000007');
  });

  it('a transfer header is offset (8) + size (4)', () => {
    expect(encodeTransferHeader(1073741824, 32768).toString('hex')).toBe(
      '000000004000000000008000',
    );
    expect(encodeTransferHeader(5, 0).toString('hex')).toBe('000000000000000500000000');
  });

  it('the master keeps only the last whole report of what arrived', () => {
    const r = new SlaveReportReader();
    const two = Buffer.concat([encodeSlaveReport(10), encodeSlaveReport(20)]);
    expect(r.push(two.subarray(0, 5))).toBeUndefined();
    expect(r.push(two.subarray(5, 13))).toBe(10);
    expect(r.push(two.subarray(13))).toBe(20);
    expect(r.push(Buffer.concat([encodeSlaveReport(30), encodeSlaveReport(40)]))).toBe(40);
  });

  it('the slave reads whole frames split anywhere, heartbeats included', () => {
    const body = Buffer.from('commit-log bytes');
    const wire = Buffer.concat([
      encodeTransferHeader(100, body.length),
      body,
      encodeTransferHeader(116, 0),
    ]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const r = new TransferReader();
      const frames = [...r.push(wire.subarray(0, cut)), ...r.push(wire.subarray(cut))];
      expect(frames.map((f) => [f.offset, f.body.toString()])).toEqual([
        [100, 'commit-log bytes'],
        [116, ''],
      ]);
    }
  });

  it('a negative or absurd body size is a protocol error', () => {
    const h = encodeTransferHeader(0, 0);
    h.writeInt32BE(-1, 8);
    expect(() => new TransferReader().push(h)).toThrow(HaProtocolError);
  });

  it('authentication: the challenge round-trips and only the token answers it', () => {
    const nonce = Buffer.alloc(16, 7);
    const c = encodeAuthChallenge(nonce);
    expect(c.subarray(0, 8).toString('hex')).toBe('4b4d514800000001');
    expect(decodeAuthChallenge(c)).toEqual(nonce);
    expect(decodeAuthChallenge(encodeSlaveReport(0))).toBeUndefined();
    const ok = encodeAuthResponse('secret', nonce);
    expect(ok.length).toBe(36);
    expect(verifyAuthResponse('secret', nonce, ok)).toBe(true);
    expect(verifyAuthResponse('other', nonce, ok)).toBe(false);
    expect(verifyAuthResponse('secret', Buffer.alloc(16, 8), ok)).toBe(false);
    expect(verifyAuthResponse('secret', nonce, Buffer.alloc(36))).toBe(false);
  });
});
