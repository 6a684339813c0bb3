// LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) from orderly consumers (spec part 2 §1.7). Body
// {"consumerGroup","clientId","onlyThisBroker","mqSet":[MessageQueue]}; a lock answers
// {"lockOKMQSet":[...]}, the queues the client now holds here.
import { RequestValidationError } from '../../common/errors.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import type { LockedQueue } from '../managers/rebalance-lock-manager.js';

interface LockBody {
  consumerGroup: string;
  clientId: string;
  mqSet: LockedQueue[];
}

function parseBody(req: RemotingCommand): LockBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body?.toString('utf8') ?? '');
  } catch {
    throw new RequestValidationError(
      ResponseCode.SYSTEM_ERROR,
      'the lock request body is not JSON',
    );
  }
  // A body of `null` used to throw a TypeError on the first field read.
  const raw = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Partial<LockBody>;
  const okQueue = (m: unknown): m is LockedQueue =>
    typeof m === 'object' &&
    m !== null &&
    typeof (m as LockedQueue).topic === 'string' &&
    typeof (m as LockedQueue).brokerName === 'string' &&
    Number.isInteger(Number((m as LockedQueue).queueId));
  if (
    typeof raw.consumerGroup !== 'string' ||
    typeof raw.clientId !== 'string' ||
    !Array.isArray(raw.mqSet) ||
    !raw.mqSet.every(okQueue)
  ) {
    throw new RequestValidationError(
      ResponseCode.SYSTEM_ERROR,
      'the lock request body needs consumerGroup, clientId and mqSet [{topic, brokerName, queueId}]',
    );
  }
  const mqSet = raw.mqSet.map((m) => ({
    topic: m.topic,
    brokerName: m.brokerName,
    queueId: Number(m.queueId),
  }));
  return { consumerGroup: raw.consumerGroup, clientId: raw.clientId, mqSet };
}

export class LockMqProcessor {
  private readonly ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly lockBatchMQ = (req: RemotingCommand): RemotingCommand => {
    const b = parseBody(req);
    const held = this.ctx.locks.tryLockBatch(b.consumerGroup, b.mqSet, b.clientId);
    const body = Buffer.from(JSON.stringify({ lockOKMQSet: held }), 'utf8');
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };

  readonly unlockBatchMQ = (req: RemotingCommand): RemotingCommand => {
    const b = parseBody(req);
    this.ctx.locks.unlockBatch(b.consumerGroup, b.mqSet, b.clientId);
    return createResponse(req, ResponseCode.SUCCESS);
  };
}
