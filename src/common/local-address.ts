// RocketMQ's RemotingUtil#getLocalAddress, as both sides use it: the broker advertises it as
// brokerIP1's default, and a client puts it first in its clientId.
import { networkInterfaces } from 'node:os';

/** The first non-internal IPv4 address, or 127.0.0.1 on a machine with none. */
export function localIPv4(): string {
  const ipv4 = Object.values(networkInterfaces())
    .flat()
    .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
  return ipv4?.address ?? '127.0.0.1';
}
