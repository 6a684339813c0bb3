// Which broker of the replica set a consumer should pull from next: the pull response's
// suggestWhichBrokerId, and the codes a slave rewrites (spec replication §2.4).
// - "Far behind" is DefaultMessageStore#getMessage's suggestPullingFromSlave: the commit-log end
//   minus the physical offset of the last unit the pull read exceeds total RAM ×
//   accessMessageInMemoryMaxRatio / 100 (4.9.8 and 5.x alike).
// - PullMessageProcessor (4.9.8 and 5.x): with slaveReadEnable, far behind → the group's
//   whichBrokerWhenConsumeSlowly, else the group's brokerId; without it → 0 (MASTER_ID).
// - A slave (5.x #composeResponseHeader) not far behind suggests 0 while its group's smallest
//   broker id is 0, and answers PULL_RETRY_IMMEDIATELY when it found nothing, so the consumer
//   goes back to the master at once instead of long-polling here. We have no
//   minBrokerIdInGroup; the slave's HA link being up stands for "the master is there", so with the
//   master gone a caught-up consumer long-polls the slave instead of spinning on retries.
// - A SLAVE (4.9.8 and 5.x, offsetCheckInSlave=false) never corrects a consumer's offset: its log
//   may be behind the master's, so PULL_OFFSET_MOVED becomes PULL_RETRY_IMMEDIATELY suggesting the
//   group's brokerId.
// 5.x refuses every pull on a slave without slaveReadEnable (rejectRequest → SYSTEM_BUSY); we
// follow 4.9.8, which serves them, so consumers keep reading while their master is down.
import { readInt64BE } from '../../message/int64.js';
import { PHYSICAL_OFFSET_POS } from '../../message/record-codec.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { MessageStore } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';

/** MixAll.MASTER_ID. */
export const MASTER_ID = 0;

export interface PullSuggestion {
  suggestWhichBrokerId: number;
  code: number;
}

/** What a FOUND pull returned: its first queue offset and its records. */
export interface PulledRecords {
  queueOffset: number;
  buffers: readonly Buffer[];
}

/**
 * Whether a pull that read up to queue offset `nextBeginOffset` is consuming slowly. The test is
 * on the last unit the pull scanned. When the pull kept every unit it scanned (no tag filtered
 * one out), that unit's record is the last one returned, and its physicalOffset field says where
 * it is: no read of the consume queue on the request path (a pread per pull before).
 */
export function suggestPullingFromSlave(
  store: MessageStore,
  topic: string,
  queueId: number,
  nextBeginOffset: number,
  maxRatioPercent: number,
  totalMemoryBytes: number,
  pulled?: PulledRecords,
): boolean {
  const lastPy = lastScannedPhysicalOffset(store, topic, queueId, nextBeginOffset, pulled);
  if (lastPy === undefined) return false;
  const behindBytes = store.maxPhyOffset - lastPy;
  return behindBytes > Math.floor((totalMemoryBytes * maxRatioPercent) / 100);
}

function lastScannedPhysicalOffset(
  store: MessageStore,
  topic: string,
  queueId: number,
  nextBeginOffset: number,
  pulled: PulledRecords | undefined,
): number | undefined {
  const n = pulled?.buffers.length ?? 0;
  if (pulled && n > 0 && n === nextBeginOffset - pulled.queueOffset) {
    return readInt64BE(pulled.buffers[n - 1]!, PHYSICAL_OFFSET_POS);
  }
  return store.consumeQueues.find(topic, queueId)?.unitAt(nextBeginOffset - 1)?.commitLogOffset;
}

/** The broker id to suggest and the (maybe rewritten) response code of one pull. */
export function suggestBroker(
  ctx: BrokerContext,
  group: { brokerId: number; whichBrokerWhenConsumeSlowly: number },
  code: number,
  farBehind: boolean,
): PullSuggestion {
  const { config } = ctx;
  let suggest = MASTER_ID;
  if (config.slaveReadEnable) {
    suggest = farBehind ? group.whichBrokerWhenConsumeSlowly : group.brokerId;
  }
  if (config.brokerRole === 'SLAVE' && code === ResponseCode.PULL_OFFSET_MOVED) {
    return { suggestWhichBrokerId: group.brokerId, code: ResponseCode.PULL_RETRY_IMMEDIATELY };
  }
  if (config.brokerId !== MASTER_ID && !farBehind && masterLinkUp(ctx)) {
    const retry = code !== ResponseCode.SUCCESS;
    return {
      suggestWhichBrokerId: MASTER_ID,
      code: retry ? ResponseCode.PULL_RETRY_IMMEDIATELY : code,
    };
  }
  return { suggestWhichBrokerId: suggest, code };
}

function masterLinkUp(ctx: BrokerContext): boolean {
  const status = ctx.ha?.status();
  return status?.role === 'SLAVE' && status.connected;
}
