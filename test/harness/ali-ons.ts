// The npm client ali-ons (a JS port of RocketMQ's 4.x Java client), typed for our tests and
// pointed at a KiteMQ name server. Its own options are spelled as ali-ons spells them.
import { createRequire } from 'node:module';

export interface AliMessage {
  topic: string;
  tags: string | null;
  keys: string;
  body: Buffer;
  msgId: string;
  queueId: number;
  queueOffset: number;
  reconsumeTimes: number;
  properties: Record<string, string>;
}
export type AliHandler = (msg: AliMessage) => Promise<unknown>;
/** A tag expression, or { expressionType: 'SQL92', subString } for a SQL92 filter. */
export type AliSubscription = string | { expressionType: string; subString: string };
export interface AliConsumer {
  ready(): Promise<void>;
  subscribe(topic: string, expr: AliSubscription, handler: AliHandler): void;
  on(event: string, fn: (err: Error) => void): void;
  close(): Promise<void>;
}
export interface AliProducer {
  ready(): Promise<void>;
  send(msg: unknown): Promise<{ sendStatus: string; msgId: string }>;
  close(): Promise<void>;
}
export interface AliMessageOut {
  keys: string[] | string;
  properties: Record<string, string>;
  delayTimeLevel: number;
}
interface AliOns {
  Producer: new (opts: Record<string, unknown>) => AliProducer;
  Consumer: (new (opts: Record<string, unknown>) => AliConsumer) & { ACTION_RETRY: symbol };
  Message: new (topic: string, tags: string, body: string | Buffer) => AliMessageOut;
}

const require = createRequire(import.meta.url);
let loaded: AliOns | undefined;

/**
 * The ali-ons module, loaded on first use: it reads $HOME when it loads (for its broadcast
 * offset files), so a test that points HOME at a temp dir does so before calling this.
 */
export function aliOns(): AliOns {
  loaded ??= require('ali-ons') as AliOns;
  return loaded;
}

const quietLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Options every ali-ons client needs against KiteMQ (no Aliyun address service, no keys). */
export function aliClientOptions(namesrvAddr: string): Record<string, unknown> {
  return {
    nameSrv: namesrvAddr,
    // ali-ons re-reads routes every 30 s by default; tests want new topics promptly.
    pollNameServerInteval: 1_000,
    httpclient: {},
    logger: quietLogger,
    accessKeyId: '',
    accessKeySecret: '',
  };
}
