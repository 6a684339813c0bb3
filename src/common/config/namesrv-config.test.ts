import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseNamesrvConfig, updateNamesrvConfig } from './namesrv-config.js';

describe('parseNamesrvConfig', () => {
  it('has RocketMQ defaults', () => {
    const env = { homeDir: '/home/mq' };
    expect(parseNamesrvConfig('', 'namesrv.conf', {}, {}, env).config).toEqual({
      listenPort: 9876,
      bindAddress: '0.0.0.0',
      brokerChannelExpiredTime: 120000,
      kvConfigPath: '/home/mq/namesrv/kvConfig.json',
      orderMessageEnable: false,
      metricsExporterType: 'DISABLE',
      metricsPromExporterHost: '',
      metricsPromExporterPort: 5558,
      metricsLoggingExporterIntervalInMills: 10000,
    });
  });

  it('file < overrides; unused RocketMQ keys warn', () => {
    const { config, warnings } = parseNamesrvConfig(
      'listenPort=9877\nkvConfigPath=/x/kv.json\nconfigStorePath=/x/ns.properties',
      'namesrv.conf',
      { bindAddress: '127.0.0.1' },
    );
    expect(config).toMatchObject({
      listenPort: 9877,
      bindAddress: '127.0.0.1',
      kvConfigPath: '/x/kv.json',
    });
    expect(warnings).toEqual([
      'namesrv.conf:3: configStorePath is a RocketMQ name server key: accepted but not used yet ' +
        '(name server storage and environment)',
    ]);
  });

  it('changes orderMessageEnable at run time and refuses kvConfigPath by name', () => {
    const current = parseNamesrvConfig('', 'namesrv.conf').config;
    const { config, changed } = updateNamesrvConfig(current, 'orderMessageEnable=true');
    expect(config.orderMessageEnable).toBe(true);
    expect(changed).toEqual(['orderMessageEnable']);
    expect(() => updateNamesrvConfig(current, 'kvConfigPath=/elsewhere.json')).toThrow(
      /^kvConfigPath cannot change at run time/,
    );
  });

  it('a bad value names key, file and line', () => {
    expect(() => parseNamesrvConfig('\n\nlistenPort=-1', 'ns.conf')).toThrow(ConfigError);
    expect(() => parseNamesrvConfig('\n\nlistenPort=-1', 'ns.conf')).toThrow(
      /^ns\.conf:3: listenPort="-1" is not valid: expected an int \(whole number\) from 0 to 65535/,
    );
  });
});
