// The op ("remove") messages of RocketMQ's queue-based transactions
// (TransactionalMessageBridge#addRemoveTagInTransactionOp / #makeOpMessageInner in 4.9.8; the
// reader side TransactionalMessageServiceImpl#fillOpRemoveMap; spec transactions.md §1.3):
// RMQ_SYS_TRANS_OP_HALF_TOPIC, the half's queue id, tag "d", body = the half's queue offset in
// ASCII decimal. KiteMQ's own record of a decision is decisions.log; the op message is written
// after it so that whoever reads only the commit log (a Java broker on this store, a slave
// promoted from it: the op topic is replicated with the commit log) sees which halves are done.
// 5.x batches offsets as "<offset>," in one body (RIP-50): the reader splits on ',' and skips
// empty parts, so either writer's ops are understood. A tag other than "d" is skipped, as
// RocketMQ logs and skips it.

import { PERM_READ, PERM_WRITE } from '../../common/perm.js';
import { MessageConst, type MessageExt, type MessageToStore } from '../../message/message.js';
import { createUniqKey } from '../../message/message-id.js';
import { RMQ_SYS_TRANS_OP_HALF_TOPIC } from '../../message/system-topics.js';
import { type RedeliveryStore, readQueue } from '../copy-recovery.js';
import type { TopicConfigManager } from '../managers/topic-config-manager.js';

/** TransactionalMessageUtil.REMOVETAG. */
export const REMOVE_TAG = 'd';

/** TransactionalMessageBridge#selectTopicConfig for the op topic: 1 queue, read and write. */
export function opTopicCreator(
  topics: Pick<TopicConfigManager, 'createTopicInSendMessageBackMethod'>,
): () => void {
  return () => {
    topics.createTopicInSendMessageBackMethod(
      RMQ_SYS_TRANS_OP_HALF_TOPIC,
      1,
      PERM_READ | PERM_WRITE,
    );
  };
}

/** The op message that marks `half` (stored by this broker, so its storeHost is ours) done. */
export function opMessage(half: MessageExt, now: number): MessageToStore {
  return {
    topic: RMQ_SYS_TRANS_OP_HALF_TOPIC,
    queueId: half.queueId,
    flag: 0,
    body: Buffer.from(String(half.queueOffset), 'ascii'),
    properties: {
      [MessageConst.TAGS]: REMOVE_TAG,
      [MessageConst.UNIQ_KEY]: createUniqKey(now),
    },
    sysFlag: 0,
    bornTimestamp: now,
    bornHost: half.storeHost,
    storeHost: half.storeHost,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
}

/** The half-queue offsets an op body names ("12", or 5.x's "12,13,"). */
export function opOffsets(body: Buffer): number[] {
  const out: number[] = [];
  for (const part of body.toString('ascii').split(',')) {
    if (/^\d+$/.test(part)) out.push(Number(part));
  }
  return out;
}

/**
 * Half-queue offset → queue offset of the op message that names it, for the op queue of half
 * queue `queueId`, read whole from its first offset. `complete` is false when the read stopped
 * at `limit` records.
 */
export function readOpRecords(
  store: RedeliveryStore,
  queueId: number,
  limit: number,
): { records: Map<number, number>; complete: boolean } {
  const records = new Map<number, number>();
  const from = store.getMinOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId);
  const complete = readQueue(store, RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId, from, limit, (m) => {
    if (m.properties[MessageConst.TAGS] !== REMOVE_TAG) return;
    for (const off of opOffsets(m.body)) if (!records.has(off)) records.set(off, m.queueOffset);
  });
  return { records, complete };
}
