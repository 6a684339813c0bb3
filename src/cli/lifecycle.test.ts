import { describe, expect, it } from 'vitest';
import { AssertionError } from '../common/assert.js';
import { ConfigError } from '../common/errors.js';
import { silentLogger } from '../common/logger.js';
import { UsageError } from './args.js';
import { boundPort, describeStartupError, onProcessFault } from './lifecycle.js';

const hints = { portHint: 'set listenPort in broker.conf' };
const sysError = (fields: Record<string, unknown>) => Object.assign(new Error('boom'), fields);

describe('describeStartupError', () => {
  it('passes config and usage errors through unchanged', () => {
    expect(describeStartupError(new ConfigError('b.conf:3: bad'), hints)).toBe('b.conf:3: bad');
    expect(describeStartupError(new UsageError('unknown option -x'), hints)).toBe(
      'unknown option -x',
    );
  });

  it('turns a taken port into the fix, also when wrapped in a cause', () => {
    const inUse = sysError({ code: 'EADDRINUSE', port: 10911, address: '0.0.0.0' });
    const expected =
      'port 10911 is already in use on 0.0.0.0; stop the other process or set listenPort in broker.conf';
    expect(describeStartupError(inUse, hints)).toBe(expected);
    expect(describeStartupError(new Error('start failed', { cause: inUse }), hints)).toBe(expected);
  });

  it('explains privileged ports, unwritable stores and a partial build', () => {
    expect(
      describeStartupError(sysError({ code: 'EACCES', syscall: 'listen', port: 80 }), hints),
    ).toContain('use a port above 1023');
    expect(describeStartupError(sysError({ code: 'EACCES', path: '/root/store' }), hints)).toBe(
      'cannot write /root/store (EACCES); set storePathRootDir to a writable directory',
    );
    expect(
      describeStartupError(sysError({ code: 'ERR_MODULE_NOT_FOUND', message: 'x' }), hints),
    ).toContain('run npm run build');
  });

  it('anything else is one line pointing at KITEMQ_DEBUG', () => {
    const text = describeStartupError(new Error('store is corrupt'), hints);
    expect(text).toMatch(/^failed to start: store is corrupt/);
    expect(text).not.toContain('\n');
  });
});

describe('boundPort', () => {
  it('uses the controller port when it exposes one', () => {
    expect(boundPort({ port: 4321 }, 0)).toBe(4321);
    expect(boundPort({}, 9876)).toBe(9876);
    expect(boundPort({ port: 0 }, 9876)).toBe(9876);
  });
});

describe('onProcessFault', () => {
  const log = silentLogger();
  it('stops on a broken invariant or an uncaught exception, logs and serves on a stray rejection', () => {
    const exits: number[] = [];
    const exit = (code: number) => exits.push(code);
    expect(onProcessFault(log, 'unhandledRejection', new Error('side path'), exit)).toBe(false);
    expect(exits).toEqual([]);
    expect(onProcessFault(log, 'unhandledRejection', new AssertionError('bad'), exit)).toBe(true);
    expect(onProcessFault(log, 'uncaughtException', new Error('boom'), exit)).toBe(true);
    expect(exits).toEqual([1, 1]);
  });
});
