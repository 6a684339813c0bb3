// How a client's requests travel: the header serialization of everything it sends (Java's
// ClientConfig reads rocketmq.serialize.type). Responses and broker-initiated requests of either
// serialization are read whatever this says.
import { CLIENT_DEFAULT_SERIALIZE_TYPE } from '../../common/limits.js';
import type { Logger } from '../../common/logger.js';
import type { SerializeTypeName } from '../../protocol/remoting-command.js';
import { RemotingClient, type ServerRequestHandler } from '../../remoting/remoting-client.js';

export interface ClientTransport {
  /** Header encoding of the requests this client sends (defaultSerializeType()). */
  serializeType?: SerializeTypeName;
}

/** env ROCKETMQ_SERIALIZE_TYPE (as Java reads it), else CLIENT_DEFAULT_SERIALIZE_TYPE. */
export function defaultSerializeType(): SerializeTypeName {
  const env = process.env.ROCKETMQ_SERIALIZE_TYPE;
  return env === 'JSON' || env === 'ROCKETMQ' ? env : CLIENT_DEFAULT_SERIALIZE_TYPE;
}

export function clientRemoting(
  log: Logger,
  onRequest: ServerRequestHandler,
  transport: ClientTransport,
): RemotingClient {
  const type = transport.serializeType ?? defaultSerializeType();
  return new RemotingClient(log, onRequest, undefined, type);
}
