// The parts of ali-ons the golden capture drives (loaded from node_modules, untyped there): its
// RemotingCommand encoder, MessageDecoder, Channel#beforeRequest signing, Producer and Consumer.
import { createRequire } from 'node:module';
import { ALI_ONS_VERSION } from './out.js';

const require = createRequire(import.meta.url);

interface AliCommand {
  body: Buffer | null;
  extFields: Record<string, unknown>;
  encode(): Buffer;
}
interface AliRemotingCommandClass {
  new (opts: Record<string, unknown>): AliCommand;
  createRequestCommand(code: number, header: Record<string, unknown> | null): AliCommand;
  createResponseCommand(code: number, opaque: number, remark?: string): AliCommand;
}
export const AliRemotingCommand: AliRemotingCommandClass = require('ali-ons/lib/protocol/command/remoting_command');
export const AliMessageDecoder = require('ali-ons/lib/message/message_decoder') as {
  messageProperties2String(p: Record<string, unknown>): string;
  decodes(bb: unknown): AliDecoded[];
};
export const AliChannel = require('ali-ons/lib/channel') as {
  prototype: { beforeRequest(this: unknown, cmd: AliCommand): void };
};
export const ByteBuffer = require('byte') as { allocate(n: number): AliByteBuffer };
interface AliByteBuffer {
  put(b: Buffer): AliByteBuffer;
  flip(): AliByteBuffer;
}
export interface AliDecoded {
  msgId: string;
  topic: string;
  tags: string | null;
  keys: string | undefined;
  body: Buffer | undefined;
  properties: Record<string, string | null>;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  bornHost: string;
  storeHost: string;
  bornTimestamp: number;
  storeTimestamp: number;
  bodyCRC: number;
  sysFlag: number;
  flag: number;
  reconsumeTimes: number;
}
export const { Producer, Consumer, Message } = require('ali-ons') as {
  Producer: new (
    o: Record<string, unknown>,
  ) => AliClient & {
    send(m: unknown): Promise<{ msgId: string; sendStatus: string }>;
  };
  Consumer: new (
    o: Record<string, unknown>,
  ) => AliClient & {
    subscribe(topic: string, expr: string, fn: (m: AliDecoded) => Promise<void>): void;
    on(ev: string, fn: (e: Error) => void): void;
  };
  Message: new (topic: string, tags: string | Buffer, body?: string | Buffer) => AliMessage;
};
interface AliClient {
  ready(): Promise<void>;
  close(): Promise<void>;
}
export interface AliMessage {
  topic: string;
  flag: number;
  body: Buffer;
  keys: string[] | string;
  properties: Record<string, unknown>;
}

export const ENCODER_SOURCE = `ali-ons ${ALI_ONS_VERSION} lib/protocol/command/remoting_command.js RemotingCommand#encode`;

/**
 * SEND_MESSAGE_V2 header exactly as ali-ons' MQProducer#sendKernelImpl + MQClientAPI#sendMessage
 * build it.
 */
export function aliSendHeader(msg: AliMessage, queueId: number, bornTimestamp: number) {
  return {
    a: 'PID_GOLDEN',
    b: msg.topic,
    c: 'TBW102',
    d: 4,
    e: queueId,
    f: 0,
    g: bornTimestamp,
    h: msg.flag,
    i: AliMessageDecoder.messageProperties2String(msg.properties),
    j: 0,
    k: false,
    l: undefined,
  };
}

export function encodeWithOpaque(
  code: number,
  header: Record<string, unknown> | null,
  opaque: number,
) {
  const cmd = new AliRemotingCommand({ code, customHeader: header, opaque });
  return cmd;
}
