// The REGISTER_BROKER requests of one registration (BrokerOuterAPI#registerBrokerAll): the header
// and the body, plain or compressed, and the batches of a split registration. A body that would
// pass REGISTER_BROKER_BODY_MAX_BYTES is compressed, and split in batches of
// splitRegistrationSize if still too big; batches are partial, so never marked complete.
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { BrokerConfig } from '../common/config/broker-config.js';
import { REGISTER_BROKER_BODY_MAX_BYTES } from '../common/limits.js';
import type { Logger } from '../common/logger.js';
import { isReadable, isWriteable } from '../common/perm.js';
import { bodyCrc32 } from '../message/record-codec.js';
import {
  encodeCompressedRegisterLayout,
  encodeRegisterBrokerBody,
  type RegisterBodyInput,
} from '../protocol/bodies/register-broker-body.js';
import type { DataVersion, TopicConfig } from './managers/topic-config-manager.js';

const deflateAsync = promisify(deflate);

/** RegisterBrokerRequestHeader, plus completeTopicTable on a body that holds every topic. */
export interface RegisterHeader {
  [field: string]: string | number | boolean;
  brokerName: string;
  brokerAddr: string;
  clusterName: string;
  haServerAddr: string;
  brokerId: number;
  compressed: boolean;
  bodyCrc32: number;
}

export interface RegisterIdentity {
  config: BrokerConfig;
  brokerAddr: string;
  haServerAddr: string;
  log: Logger;
}

export interface RegisterRequestParts {
  header: RegisterHeader;
  body: Buffer;
}

/**
 * The topics as name servers should see them. A broker that is not fully RW advertises its
 * topics' perm ANDed with its own, so producers stop choosing a read-only broker
 * (BrokerController#registerBrokerAll, which puts the broker's perm in place of each topic's). A
 * name server's wipeWritePerm is not undone by the periodic registration: the body's DataVersion
 * is unchanged, and RocketMQ 4.9's RouteInfoManager#registerBroker keeps the queue data it has
 * then. It lasts until this broker's topics change (a new version), the broker registers anew
 * (restart, expiry), or addWritePerm / a brokerPermission update rewrites it.
 */
export function registerBodyInput(
  topics: readonly TopicConfig[],
  dataVersion: DataVersion,
  brokerPerm: number,
): RegisterBodyInput {
  const restrict = !isWriteable(brokerPerm) || !isReadable(brokerPerm);
  return {
    dataVersion,
    topics: restrict ? topics.map((t) => ({ ...t, perm: t.perm & brokerPerm })) : topics,
  };
}

function header(
  id: RegisterIdentity,
  body: Buffer,
  compressed: boolean,
  complete: boolean,
): RegisterHeader {
  const c = id.config;
  const h: RegisterHeader = {
    brokerName: c.brokerName,
    brokerAddr: id.brokerAddr,
    clusterName: c.brokerClusterName,
    haServerAddr: id.haServerAddr,
    brokerId: c.brokerId,
    compressed,
    bodyCrc32: bodyCrc32(body),
  };
  if (complete) h.completeTopicTable = true;
  return h;
}

/**
 * One request, or the batches of a split registration (BrokerController#registerBrokerAll with
 * enableSplitRegistration), each with the same DataVersion.
 */
export async function buildRegisterRequests(
  id: RegisterIdentity,
  input: RegisterBodyInput,
  complete: boolean,
): Promise<RegisterRequestParts[]> {
  const c = id.config;
  const { topics } = input;
  const split = complete && c.enableSplitRegistration && topics.length > c.splitRegistrationSize;
  if (!split) {
    const one = await encodeBody(input, c.compressedRegister && complete);
    if (one.body.length <= REGISTER_BROKER_BODY_MAX_BYTES) {
      return [{ header: header(id, one.body, one.compressed, complete), body: one.body }];
    }
    id.log.warn(
      { topics: topics.length, bytes: one.body.length },
      'a register body would pass the frame limit even compressed; sending it in batches',
    );
  }
  const out: RegisterRequestParts[] = [];
  for (let i = 0; i < topics.length; i += c.splitRegistrationSize) {
    const batch = { ...input, topics: topics.slice(i, i + c.splitRegistrationSize) };
    const b = await encodeBody(batch, c.compressedRegister);
    out.push({ header: header(id, b.body, b.compressed, false), body: b.body });
  }
  return out;
}

/** Plain JSON, or zlib when asked or when the plain body would not fit a frame. */
async function encodeBody(
  input: RegisterBodyInput,
  compress: boolean,
): Promise<{ body: Buffer; compressed: boolean }> {
  // A table that cannot fit plain is not stringified first (half a second at 100,000 topics).
  if (!compress && plainBytesAtLeast(input.topics) <= REGISTER_BROKER_BODY_MAX_BYTES) {
    const plain = encodeRegisterBrokerBody(input);
    if (plain.length <= REGISTER_BROKER_BODY_MAX_BYTES) return { body: plain, compressed: false };
  }
  // On the libuv pool: a full table takes tens of milliseconds to deflate.
  const body = await deflateAsync(encodeCompressedRegisterLayout(input));
  return { body, compressed: true };
}

/** A plain body's size is at least this: each entry repeats the name beside ~130 bytes of keys. */
function plainBytesAtLeast(topics: readonly { topicName: string }[]): number {
  let n = 0;
  for (const t of topics) n += 2 * t.topicName.length + 130;
  return n;
}
