// The npm client ali-ons (a JS port of RocketMQ's 4.x Java client), typed for our tests and
// pointed at a KiteMQ name server. Its own options are spelled as ali-ons spells them.
//
//   const p = await aliProducer(cluster.namesrvAddr);        // ready, a fresh producer group
//   const c = aliConsumer(cluster.namesrvAddr, { consumerGroup, consumeFromWhere: '…' });
import { createRequire } from 'node:module';
import { uniqueName } from './names.js';

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
  /** The queues this member pulls, keyed by queue (its rebalance result). */
  readonly processQueueTable: Map<string, { messageQueue: { topic: string; queueId: number } }>;
}
export interface AliSendResult {
  sendStatus: string;
  msgId: string;
  messageQueue: { queueId: number };
}
export interface AliProducer {
  ready(): Promise<void>;
  send(msg: unknown): Promise<AliSendResult>;
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

/** How often ali-ons re-reads routes by default (its pollNameServerInteval). */
export const ALI_DEFAULT_ROUTE_POLL_MS = 30_000;

/**
 * Options every ali-ons client needs against KiteMQ: no Aliyun address service (ali-ons requires
 * an httpclient only to look one up; with nameSrv set it is never called), no keys. Routes are
 * re-read every second by default, so new topics (and a group's %RETRY% topic, created by its
 * first heartbeat after ali-ons first asked for its route) show up promptly.
 */
export function aliClientOptions(
  namesrvAddr: string,
  routePollMs = 1_000,
): Record<string, unknown> {
  return {
    nameSrv: namesrvAddr,
    pollNameServerInteval: routePollMs,
    httpclient: {},
    logger: quietLogger,
    accessKeyId: '',
    accessKeySecret: '',
  };
}

/** A started ali-ons producer in a fresh producer group; opts are ali-ons's own. */
export async function aliProducer(
  namesrvAddr: string,
  opts: Record<string, unknown> = {},
): Promise<AliProducer> {
  const p = new (aliOns().Producer)({
    ...aliClientOptions(namesrvAddr),
    producerGroup: uniqueName('PG'),
    ...opts,
  });
  await p.ready();
  return p;
}

/**
 * An ali-ons consumer (not yet ready()); its 'error' events are dropped, since a brand-new group
 * logs QUERY_NOT_FOUND and a failing handler logs too. opts are ali-ons's own (consumerGroup, …).
 */
export function aliConsumer(namesrvAddr: string, opts: Record<string, unknown>): AliConsumer {
  const c = new (aliOns().Consumer)({ ...aliClientOptions(namesrvAddr), ...opts });
  c.on('error', () => {});
  return c;
}
