// Free loopback ports, for the few callers that must name a port before anything binds it (peer
// servers in bench/). A port is only "free" at the moment it was checked: anything may take it
// before the caller binds it. startNamesrv/startBroker do not use these; their children bind
// port 0 and report what they got.
import { createServer } from 'node:net';

const LOOPBACK = '127.0.0.1';

/** A port the OS considers free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when port can be bound on 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, LOOPBACK, () => server.close(() => resolve(true)));
  });
}

/**
 * A port p such that p and p-2 are both free: the broker listens on listenPort and on
 * listenPort-2 (RocketMQ's fast/"VIP" channel).
 */
export async function freeBrokerPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const p = await freePort();
    if (p - 2 >= 1024 && (await isPortFree(p - 2)) && (await isPortFree(p))) return p;
  }
  throw new Error('no port p with p and p-2 free on 127.0.0.1 after 100 attempts');
}
