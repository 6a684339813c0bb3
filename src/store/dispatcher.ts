// The dispatch seam (DefaultMessageStore#dispatcherList, CommitLogDispatcher): every record that
// reaches the commit log is handed, in commit-log order, to each dispatcher — the consume queues
// and the key index today, more later (bloom filters, timer wheels). Dispatch runs synchronously
// in the append's tick, so a unit is readable before messageArrived fires; after a restart the
// same dispatchers get the records past their last entry again, with `recovering` set, and must
// skip what they already hold.
import type { IndexService } from './index-service.js';
import { isIndexed } from './store-record.js';

export interface DispatchRequest {
  topic: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  size: number;
  sysFlag: number;
  tagsCode: number;
  storeTimestamp: number;
  keys: string | undefined;
  uniqKey: string | undefined;
  /** Messages the record holds: INNER_NUM of an inner batch, else 1 (absent means 1). */
  batchSize?: number;
}

export interface CommitLogDispatcher {
  dispatch(req: DispatchRequest, recovering: boolean): void;
}

/** KEYS and UNIQ_KEY → commit-log offset, for QUERY_MESSAGE (CommitLogDispatcherBuildIndex). */
export class IndexDispatcher implements CommitLogDispatcher {
  private readonly index: IndexService;

  constructor(index: IndexService) {
    this.index = index;
  }

  dispatch(r: DispatchRequest, recovering: boolean): void {
    if (!isIndexed(r.sysFlag)) return;
    const { topic, keys, uniqKey, commitLogOffset, storeTimestamp } = r;
    this.index.buildIndex(topic, keys, uniqKey, commitLogOffset, storeTimestamp, recovering);
  }
}
