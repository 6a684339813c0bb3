// Broker-wide views that admin tools and other brokers read: GET_BROKER_RUNTIME_INFO (28) and
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201, the Go admin's GetAllSubscriptionGroup; later a slave's
// subscription-group sync, with the same body).
import { encodeKvTable } from '../../protocol/bodies/kv-table.js';
import { encodeSubscriptionGroupWrapper } from '../../protocol/bodies/subscription-group.js';
import { createResponse, type RemotingCommand } from '../../protocol/remoting-command.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { BrokerContext } from '../broker-context.js';
import { buildRuntimeInfo } from '../runtime-info.js';

export class BrokerInfoProcessor {
  private readonly ctx: BrokerContext;
  private readonly startedAt = Date.now();

  constructor(ctx: BrokerContext) {
    this.ctx = ctx;
  }

  readonly getBrokerRuntimeInfo = (req: RemotingCommand): RemotingCommand => {
    const table = buildRuntimeInfo(this.ctx, this.startedAt);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, encodeKvTable(table));
  };

  readonly getAllSubscriptionGroup = (req: RemotingCommand): RemotingCommand => {
    const { groups } = this.ctx;
    const body = encodeSubscriptionGroupWrapper(groups.all(), groups.dataVersion);
    return createResponse(req, ResponseCode.SUCCESS, undefined, {}, body);
  };
}
