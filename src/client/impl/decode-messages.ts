// Stored records as the application sees them (MessageDecoder#decodes with deCompressBody): a body
// the producer compressed (sysFlag COMPRESSED) is inflated and the flag cleared, so the message
// is plain from here on (a send-back copies it as it is). A body this runtime cannot inflate
// (see compression.ts), or a damaged one, is handed over as stored with the flag kept, rather
// than stalling its queue.
// An inner-batch record (a BatchCQ topic's batch: sysFlag INNER_BATCH and NEED_UNWRAP) is split
// into its messages as PullAPIWrapper#processPullResult does with MessageDecoder#decodeMessage:
// message i gets the record's queue offset + i, the record's topic, queue, hosts, timestamps,
// sysFlag and commit-log offset, and its own flag, body and properties (so its msgId is its
// UNIQ_KEY). A pull that starts inside a batch gets the whole record: the messages below the
// offset asked for are dropped here.
import { decodeBatch } from '../../message/batch-codec.js';
import { type MessageExt, MessageSysFlag } from '../../message/message.js';
import { decodeRecords } from '../../message/record-codec.js';
import { COMPRESSION_TYPE_MASK, inflateBody } from './compression.js';

const UNWRAP = MessageSysFlag.INNER_BATCH | MessageSysFlag.NEED_UNWRAP;

export function decodeMessages(body: Buffer, fromOffset = 0): MessageExt[] {
  const msgs = decodeRecords(body);
  let batches = false;
  for (const m of msgs) {
    if ((m.sysFlag & UNWRAP) === UNWRAP) batches = true;
    if ((m.sysFlag & MessageSysFlag.COMPRESSED) === 0) continue;
    const plain = inflateBody(m.body, m.sysFlag);
    if (!plain) continue;
    m.body = plain;
    m.sysFlag &= ~(MessageSysFlag.COMPRESSED | COMPRESSION_TYPE_MASK);
  }
  return batches ? unwrapInnerBatches(msgs, fromOffset) : msgs;
}

/** Every inner-batch record replaced by its messages at or past `fromOffset`. */
export function unwrapInnerBatches(records: MessageExt[], fromOffset: number): MessageExt[] {
  const out: MessageExt[] = [];
  for (const r of records) {
    if ((r.sysFlag & UNWRAP) !== UNWRAP) {
      out.push(r);
      continue;
    }
    let items: ReturnType<typeof decodeBatch>;
    try {
      items = decodeBatch(r.body);
    } catch {
      out.push(r); // damaged: handed over whole, as Java does when the split throws
      continue;
    }
    for (let i = 0; i < items.length; i++) {
      const queueOffset = r.queueOffset + i;
      if (queueOffset < fromOffset) continue;
      const it = items[i]!;
      out.push({ ...r, queueOffset, flag: it.flag, body: it.body, properties: it.properties });
    }
  }
  return out;
}
