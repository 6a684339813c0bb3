import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../protocol/frame.js';
import { decodeCommand, encodeCommand } from '../protocol/remoting-command.js';
import { bodyWouldPin } from './body-retention.js';

describe('bodyWouldPin', () => {
  it('keeps a view that fills at least half its allocation, copies one that does not', () => {
    const chunk = Buffer.allocUnsafeSlow(64 * 1024);
    expect(bodyWouldPin(chunk.subarray(0, 40_000))).toBe(false);
    expect(bodyWouldPin(chunk.subarray(0, 32 * 1024))).toBe(false);
    expect(bodyWouldPin(chunk.subarray(0, 32 * 1024 - 1))).toBe(true);
    // A 1 MB read holding one small pull answer must not be kept alive by its messages.
    const huge = Buffer.allocUnsafeSlow(1024 * 1024);
    expect(bodyWouldPin(huge.subarray(1000, 34_000))).toBe(true);
  });

  it('a reassembled frame is its own allocation, so its body stays a view', () => {
    const body = Buffer.alloc(30_000, 1);
    const wire = encodeCommand({
      code: 0,
      language: 'JAVA',
      version: 0,
      opaque: 1,
      flag: 1,
      remark: undefined,
      extFields: {},
      body,
    });
    const d = new FrameDecoder();
    // Split across two chunks of one big read each: the frame is copied once, then kept.
    const frames = [
      ...d.push(Buffer.from(wire.subarray(0, 1000))),
      ...d.push(Buffer.from(wire.subarray(1000))),
    ];
    expect(frames).toHaveLength(1);
    const frame = frames[0]!;
    expect(bodyWouldPin(frame)).toBe(false);
    const cmd = decodeCommand(frame, bodyWouldPin(frame));
    expect(cmd.body).toEqual(body);
    expect(cmd.body!.buffer).toBe(frame.buffer);
  });
});
