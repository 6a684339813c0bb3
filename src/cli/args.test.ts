import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../common/errors.js';
import {
  CONFIG_FILE_OPTION,
  type CommandSpec,
  HELP_OPTION,
  parseCommandLine,
  portFlag,
  readConfigFile,
  UsageError,
} from './args.js';

const spec: CommandSpec = {
  name: 'mqbroker',
  options: { ...CONFIG_FILE_OPTION, namesrvAddr: { type: 'string', short: 'n' }, ...HELP_OPTION },
  help: '',
};

describe('parseCommandLine', () => {
  it('reads RocketMQ short and long flags', () => {
    expect(parseCommandLine(spec, ['-c', 'b.conf', '-n', 'a:1;b:2'])).toMatchObject({
      configFile: 'b.conf',
      namesrvAddr: 'a:1;b:2',
    });
    expect(parseCommandLine(spec, ['--configFile=x', '--help'])).toMatchObject({
      configFile: 'x',
      help: true,
    });
  });

  it.each([
    [['-x'], 'unknown option -x; run mqbroker -h for help'],
    [['stray'], 'unexpected argument stray; run mqbroker -h for help'],
  ])('%j is a one-line UsageError', (argv, message) => {
    expect(() => parseCommandLine(spec, argv)).toThrow(UsageError);
    expect(() => parseCommandLine(spec, argv)).toThrow(message);
  });

  it('a flag missing its value is a UsageError', () => {
    expect(() => parseCommandLine(spec, ['-c'])).toThrow(UsageError);
  });
});

describe('portFlag', () => {
  it('prefers the flag over the environment variable', () => {
    const env = { KITEMQ_NAMESRV_PORT: '9000' };
    expect(portFlag({ p: '9001' }, 'p', 'KITEMQ_NAMESRV_PORT', 1, env)).toBe(9001);
    expect(portFlag({}, 'p', 'KITEMQ_NAMESRV_PORT', 1, env)).toBe(9000);
    expect(portFlag({}, 'p', 'KITEMQ_NAMESRV_PORT', 1, {})).toBeUndefined();
  });

  it('names the source of a bad port', () => {
    expect(() => portFlag({ p: 'x' }, 'p', 'E', 1, {})).toThrow('--p=x is not a port');
    expect(() => portFlag({}, 'p', 'E', 1, { E: '0' })).toThrow('$E=0 is not a port');
    expect(() => portFlag({}, 'p', 'E', 1, { E: '70000' })).toThrow('from 1 to 65535');
  });
});

describe('readConfigFile', () => {
  it('returns the text and the path as given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kitemq-args-'));
    try {
      const path = join(dir, 'b.conf');
      writeFileSync(path, 'a=1');
      expect(readConfigFile(path)).toEqual({ text: 'a=1', fileName: path });
      expect(readConfigFile(undefined)).toEqual({ text: '', fileName: '(defaults)' });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('a missing file is a ConfigError that says to check -c', () => {
    expect(() => readConfigFile('/nonexistent/b.conf')).toThrow(ConfigError);
    expect(() => readConfigFile('/nonexistent/b.conf')).toThrow(
      'cannot read config file /nonexistent/b.conf: no such file; check the -c path',
    );
  });
});
