import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { portInUseError } from './port-in-use.js';

describe('portInUseError', () => {
  it('turns a real EADDRINUSE into one line naming the key', async () => {
    const a = createServer();
    const b = createServer();
    await new Promise<void>((r) => a.listen(0, '127.0.0.1', r));
    const port = (a.address() as { port: number }).port;
    const err = await new Promise<Error>((r) => b.once('error', r).listen(port, '127.0.0.1'));
    a.close();
    const mapped = portInUseError(err, port, 'haListenPort');
    expect(mapped).toBeInstanceOf(ConfigError);
    expect((mapped as Error).message).toBe(
      `port ${port} (haListenPort) is in use; set haListenPort or stop the other process`,
    );
  });

  it('leaves other errors as they are', () => {
    const other = Object.assign(new Error('denied'), { code: 'EACCES' });
    expect(portInUseError(other, 1, 'haListenPort')).toBe(other);
  });
});
