// Shared by the header codec tests (src/protocol/headers/*.test.ts): a golden frame decoded from
// its hex or from a fixture of src/protocol/golden/, a command's frame in both header
// serializations, and the RequestValidationError a decode throws.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { RequestValidationError } from '../../src/common/errors.js';
import { FrameDecoder } from '../../src/protocol/frame.js';
import {
  decodeCommand,
  encodeBinaryCommand,
  encodeCommand,
  type RemotingCommand,
} from '../../src/protocol/remoting-command.js';

/** The one command a whole frame (length prefix included) in hex holds. */
export function decodeFrameHex(hex: string): RemotingCommand {
  const [frame] = new FrameDecoder().push(Buffer.from(hex, 'hex'));
  expect(frame, 'a whole frame').toBeDefined();
  return decodeCommand(frame!);
}

/** The command of a whole-frame fixture in src/protocol/golden/ (ali-ons' recorded requests). */
export function decodeGoldenFixture(name: string): RemotingCommand {
  const url = new URL(`../../src/protocol/golden/${name}`, import.meta.url);
  return decodeFrameHex((JSON.parse(readFileSync(url, 'utf8')) as { hex: string }).hex);
}

/** The frame in hex as KiteMQ writes it (JSON header) and as the Java client can (ROCKETMQ). */
export function frameHexes(cmd: RemotingCommand): { json: string; rocketmq: string } {
  return {
    json: encodeCommand(cmd).toString('hex'),
    rocketmq: encodeBinaryCommand(cmd).toString('hex'),
  };
}

export function validationError(fn: () => unknown): RequestValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RequestValidationError);
    return err as RequestValidationError;
  }
  throw new Error('expected a RequestValidationError');
}
