// MessageStoreConfig's pull transfer caps (RocketMQ's names and defaults): how many messages and
// bytes one PULL_MESSAGE answer may carry, whatever the client's pullBatchSize asks for. The
// "InDisk" pair applies when the pull starts further behind the commit-log end than
// accessMessageInMemoryMaxRatio of RAM (DefaultMessageStore#isTheBatchFull; RocketMQ decides per
// message, KiteMQ per pull, from its first message).
import {
  MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK,
  MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
  MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK,
  MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
} from '../limits.js';
import type { BrokerConfig } from './broker-config.js';
import type { Schema } from './schema.js';

type Keys = Partial<Schema<BrokerConfig>>;

/** A pull answer is one frame: it must stay well below the 16 MiB frame bound. */
const MAX_PULL_BYTES = 8 * 1024 * 1024;

export const storePullKeys = {
  maxTransferCountOnMessageInMemory: {
    type: 'int',
    default: MAX_TRANSFER_COUNT_ON_MESSAGE_IN_MEMORY,
    unit: 'messages',
    min: 1,
    max: 65_535,
    doc: 'Most messages one pull returns while its data is near the log end (recent).',
  },
  maxTransferBytesOnMessageInMemory: {
    type: 'int',
    default: MAX_TRANSFER_BYTES_ON_MESSAGE_IN_MEMORY,
    unit: 'bytes',
    min: 1,
    max: MAX_PULL_BYTES,
    doc: 'Most bytes of messages one pull returns while its data is recent (the first always goes).',
  },
  maxTransferCountOnMessageInDisk: {
    type: 'int',
    default: MAX_TRANSFER_COUNT_ON_MESSAGE_IN_DISK,
    unit: 'messages',
    min: 1,
    max: 65_535,
    doc: 'Most messages one pull returns when it starts far behind (see accessMessageInMemoryMaxRatio).',
  },
  maxTransferBytesOnMessageInDisk: {
    type: 'int',
    default: MAX_TRANSFER_BYTES_ON_MESSAGE_IN_DISK,
    unit: 'bytes',
    min: 1,
    max: MAX_PULL_BYTES,
    doc: 'Most bytes of messages one pull returns when it starts far behind.',
  },
} satisfies Keys;
