import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseNamesrvConfig } from './namesrv-config.js';

describe('parseNamesrvConfig', () => {
  it('has RocketMQ defaults', () => {
    expect(parseNamesrvConfig('', 'namesrv.conf').config).toEqual({
      listenPort: 9876,
      bindAddress: '0.0.0.0',
      brokerChannelExpiredTime: 120000,
      metricsExporterType: 'DISABLE',
      metricsPromExporterHost: '',
      metricsPromExporterPort: 5558,
      metricsLoggingExporterIntervalInMills: 10000,
    });
  });

  it('file < overrides; unused RocketMQ keys warn', () => {
    const { config, warnings } = parseNamesrvConfig(
      'listenPort=9877\nkvConfigPath=/x/kv.json',
      'namesrv.conf',
      { bindAddress: '127.0.0.1' },
    );
    expect(config).toMatchObject({ listenPort: 9877, bindAddress: '127.0.0.1' });
    expect(warnings).toEqual([
      'namesrv.conf:2: kvConfigPath is a RocketMQ name server key: accepted but not used yet ' +
        '(name server storage and environment)',
    ]);
  });

  it('a bad value names key, file and line', () => {
    expect(() => parseNamesrvConfig('\n\nlistenPort=-1', 'ns.conf')).toThrow(ConfigError);
    expect(() => parseNamesrvConfig('\n\nlistenPort=-1', 'ns.conf')).toThrow(
      /^ns\.conf:3: listenPort="-1" is not valid: expected an int \(whole number\) from 0 to 65535/,
    );
  });
});
