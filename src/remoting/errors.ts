// Client-side remoting failures. Codes follow RocketMQ's client-side RPC codes (-1000…).
import { KiteError } from '../common/errors.js';

export class RemotingTimeoutError extends KiteError {
  override name = 'RemotingTimeoutError';
  constructor(addr: string, code: string, timeoutMs: number) {
    super('client', -1002, `no response from ${addr} to ${code} within ${timeoutMs} ms`);
  }
}

export class RemotingConnectError extends KiteError {
  override name = 'RemotingConnectError';
  constructor(addr: string, cause?: unknown) {
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    super('client', -1001, `cannot connect to ${addr}${why}; is the server running?`, { cause });
  }
}

export class RemotingClosedError extends KiteError {
  override name = 'RemotingClosedError';
  constructor(addr: string) {
    super('client', -1000, `connection to ${addr} closed before the response arrived`);
  }
}

export class RemotingTooMuchRequestError extends KiteError {
  override name = 'RemotingTooMuchRequestError';
  constructor(addr: string, limit: number) {
    super('overload', 2, `more than ${limit} requests in flight to ${addr}; slow down`);
  }
}
