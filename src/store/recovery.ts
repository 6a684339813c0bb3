// Recovery at open (DefaultMessageStore#recover): where to start validating the commit log, the
// cut after its last valid record, and the re-dispatch of what the consume queues and the key
// index lack. The re-dispatch step is its own function, since records appended by other means
// than a put (a slave's replicated bytes) must reach the dispatchers the same way.
import { assert } from '../common/assert.js';
import type { Logger } from '../common/logger.js';
import type { StoreCheckpoint } from './checkpoint.js';
import type { CommitLog } from './commit-log.js';
import type { ConsumeQueueTable } from './consume-queue-table.js';
import type { DeletedTopics } from './deleted-topics.js';
import { type CommitLogDispatcher, IndexDispatcher } from './dispatcher.js';
import type { IndexService } from './index-service.js';
import { parseForDispatch } from './store-record.js';

export interface RecoveryParts {
  commitLog: CommitLog;
  consumeQueues: ConsumeQueueTable;
  indexService: IndexService;
  deletedTopics: DeletedTopics;
  checkpoint: StoreCheckpoint;
  /**
   * The consume queues first, then the key index (when messageIndexEnable), then those callers
   * registered (MessageStoreOptions#dispatchers), which get the pass from the queues' start.
   */
  dispatchers: readonly CommitLogDispatcher[];
  logger: Logger;
}

/**
 * Hands each valid commit-log record in [from, to) to the dispatchers as a replay (units already
 * there are skipped), leaving out records of topics deleted after them. Stops at the first
 * invalid record: the returned end says where, and the reason why.
 */
export function dispatchRange(
  p: Pick<RecoveryParts, 'commitLog' | 'deletedTopics'>,
  dispatchers: readonly CommitLogDispatcher[],
  from: number,
  to: number,
): { end: number; reason?: string } {
  return p.commitLog.scan(from, to, (r) => {
    const req = parseForDispatch(r.bytes);
    if (p.deletedTopics.isDeleted(req.topic, req.commitLogOffset)) return;
    for (const d of dispatchers) d.dispatch(req, true);
  });
}

/** Loads every part from disk and makes them agree; returns the commit log's recovered end. */
export function recoverStore(p: RecoveryParts): number {
  const { commitLog, consumeQueues, indexService, deletedTopics, logger } = p;
  const aborted = p.checkpoint.wasAborted();
  const cp = p.checkpoint.read();
  commitLog.load();
  consumeQueues.load();
  indexService.load();
  deletedTopics.load();
  deletedTopics.prune(commitLog.minOffset);
  // A crash between recording a deletion and removing the queues leaves them behind.
  consumeQueues.dropDeleted((topic, offset) => deletedTopics.isDeleted(topic, offset));
  const files = commitLog.queue.files;
  const lastThree = files[Math.max(0, files.length - 3)]?.fileFromOffset ?? 0;
  let from = aborted || !cp ? Math.min(lastThree, cp?.logicsSafeOffset ?? 0) : cp.logicsSafeOffset;
  if (from > commitLog.maxOffset) from = commitLog.queue.last?.fileFromOffset ?? 0;
  if (aborted) logger.warn({ from }, 'previous run did not shut down cleanly; recovering');
  const before = commitLog.maxOffset;
  const end = commitLog.recover(from);
  const rebuildFrom = consumeQueues.truncateDirty(end);
  indexService.truncateDirty(end);
  // Queues cut for damage are rebuilt from the cut; the key index catches up from its own point.
  // Records below `from` were validated by an earlier run: a damaged one there ends the index
  // catch-up with a warning (those keys stay unqueryable), it does not stop the start.
  const queuesFrom = Math.max(commitLog.minOffset, Math.min(from, rebuildFrom));
  const indexFrom = Math.max(commitLog.minOffset, indexService.resumeOffset);
  const index = p.dispatchers.filter((d) => d instanceof IndexDispatcher);
  let mainFrom = queuesFrom;
  if (index.length > 0 && indexFrom < queuesFrom) {
    const caught = dispatchRange(p, index, indexFrom, queuesFrom);
    if (caught.end >= queuesFrom) mainFrom = caught.end;
    else
      logger.warn(
        { at: caught.end, reason: caught.reason, upTo: queuesFrom },
        'key index catch-up stopped at a damaged commit log record; keys up to the recovery start are not queryable',
      );
  }
  const scanned = dispatchRange(p, p.dispatchers, mainFrom, end);
  assert(scanned.end === end, 'the dispatch pass ends where recovery cut the log');
  consumeQueues.correctMinOffset(commitLog.minOffset);
  logger.info(
    {
      commitLogEnd: end,
      truncatedBytes: before - end,
      redispatched: consumeQueues.redispatched,
      queues: consumeQueues.size,
    },
    'store loaded',
  );
  return end;
}
