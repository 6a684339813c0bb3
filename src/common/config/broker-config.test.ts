import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  brokerConfigDefinition,
  type ConfigEnv,
  parseBrokerConfig,
  systemConfigEnv,
} from './broker-config.js';
import { BROKER_KEYS_NOT_USED_YET } from './not-used-yet.js';
import { formatConfig } from './schema.js';

const env: ConfigEnv = { homeDir: '/home/mq', namesrvAddr: '', localIPv4: '10.1.2.3' };
const parse = (text: string, overrides = {}) =>
  parseBrokerConfig(text, 'broker.conf', overrides, { env });

describe('BrokerConfig defaults', () => {
  it('match RocketMQ', () => {
    expect(parse('').config).toEqual({
      brokerClusterName: 'DefaultCluster',
      brokerName: 'broker-a',
      brokerId: 0,
      brokerRole: 'ASYNC_MASTER',
      namesrvAddr: '',
      brokerIP1: '10.1.2.3',
      brokerIP2: '10.1.2.3',
      listenPort: 10911,
      bindAddress: '0.0.0.0',
      storePathRootDir: '/home/mq/store',
      storePathCommitLog: '/home/mq/store/commitlog',
      flushDiskType: 'ASYNC_FLUSH',
      mapedFileSizeCommitLog: 1073741824,
      mapedFileSizeConsumeQueue: 6000000,
      flushIntervalCommitLog: 500,
      flushCommitLogLeastPages: 4,
      syncFlushTimeout: 5000,
      maxMessageSize: 4194304,
      sendThreadPoolQueueCapacity: 10000,
      rejectTransactionMessage: false,
      transactionTimeOut: 6000,
      transactionCheckInterval: 30000,
      transactionCheckMax: 15,
      deleteWhen: '04',
      fileReservedTime: 72,
      diskMaxUsedSpaceRatio: 75,
      diskSpaceWarningLevelRatio: 90,
      diskSpaceCleanForciblyRatio: 85,
      cleanFileForciblyEnable: true,
      cleanResourceInterval: 10000,
      messageIndexEnable: true,
      maxHashSlotNum: 5000000,
      maxIndexNum: 20000000,
      autoCreateTopicEnable: true,
      autoCreateSubscriptionGroup: true,
      defaultTopicQueueNums: 8,
      enablePropertyFilter: false,
      messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
      timerMaxDelaySec: 259200,
      timerWheelEnable: true,
      timerPrecisionMs: 1000,
      timerRollWindowSlot: 172800,
      brokerPermission: 6,
      registerNameServerPeriod: 30000,
      compressedRegister: false,
      enableSplitRegistration: false,
      splitRegistrationSize: 800,
      longPollingEnable: true,
      useServerSideResetOffset: true,
      rebalanceLockMaxLiveTime: 60000,
      flushConsumerOffsetInterval: 5000,
      channelExpiredTimeout: 120000,
      regionId: 'DefaultRegion',
      traceOn: true,
      haListenPort: 10912,
      haMasterAddress: '',
      haSendHeartbeatInterval: 5000,
      haHousekeepingInterval: 20000,
      haTransferBatchSize: 32768,
      haMaxGapNotInSync: 268435456,
      slaveTimeout: 3000,
      haAuthToken: '',
      haSyncFromLastFile: false,
      slaveSyncInterval: 10000,
      slaveReadEnable: false,
      accessMessageInMemoryMaxRatio: 40,
      maxTransferCountOnMessageInMemory: 32,
      maxTransferBytesOnMessageInMemory: 262144,
      maxTransferCountOnMessageInDisk: 8,
      maxTransferBytesOnMessageInDisk: 65536,
      metricsExporterType: 'DISABLE',
      metricsPromExporterHost: '',
      metricsPromExporterPort: 5557,
      metricsLoggingExporterIntervalInMills: 10000,
    });
  });

  it('namesrvAddr defaults to NAMESRV_ADDR', () => {
    const withEnv = { ...env, namesrvAddr: '10.0.0.1:9876' };
    expect(parseBrokerConfig('', 'x', {}, { env: withEnv }).config.namesrvAddr).toBe(
      '10.0.0.1:9876',
    );
  });

  it('the system environment yields an IPv4 brokerIP1 and a home-based store', () => {
    const { config } = parseBrokerConfig('', 'x', {}, { env: systemConfigEnv() });
    expect(config.brokerIP1).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(config.storePathRootDir).toMatch(/\/store$/);
  });
});

describe('parseBrokerConfig', () => {
  it('reads a RocketMQ-style broker.conf; the command line wins over the file', () => {
    const text = [
      'brokerClusterName = DefaultCluster',
      'brokerName = broker-b',
      'brokerId = 0',
      'deleteWhen = 04;16',
      'fileReservedTime = 48',
      'brokerRole = SYNC_MASTER',
      'flushDiskType = SYNC_FLUSH',
      'namesrvAddr = 10.0.0.1:9876',
      'storePathRootDir = /data/rmq',
    ].join('\n');
    const { config, warnings } = parse(text, { namesrvAddr: '1.2.3.4:9876;1.2.3.5:9876' });
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      brokerName: 'broker-b',
      deleteWhen: '04;16',
      fileReservedTime: 48,
      brokerRole: 'SYNC_MASTER',
      flushDiskType: 'SYNC_FLUSH',
      namesrvAddr: '1.2.3.4:9876;1.2.3.5:9876',
      storePathCommitLog: '/data/rmq/commitlog',
    });
  });

  it('mappedFileSizeCommitLog (the correct spelling) is an alias', () => {
    const { config, warnings } = parse('mappedFileSizeCommitLog=67108864');
    expect(config.mapedFileSizeCommitLog).toBe(67108864);
    expect(warnings).toEqual([]);
  });

  it('brokerIP2 follows brokerIP1 unless set', () => {
    expect(parse('brokerIP1=192.168.1.9').config.brokerIP2).toBe('192.168.1.9');
    expect(parse('brokerIP1=192.168.1.9\nbrokerIP2=10.0.0.9').config.brokerIP2).toBe('10.0.0.9');
  });

  it('unknown keys warn with the closest key; RocketMQ-only keys warn as not used yet', () => {
    const { warnings } = parse('listenport=10911\nbrokerNmae=b\nsendMessageThreadPoolNums=16');
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('broker.conf:1: unknown broker key listenport');
    expect(warnings[0]).toContain('did you mean listenPort?');
    expect(warnings[1]).toContain('did you mean brokerName?');
    expect(warnings[2]).toContain('broker.conf:3: sendMessageThreadPoolNums');
    expect(warnings[2]).toContain('accepted but not used yet');
  });

  it.each([
    ['listenPort=abc', 'listenPort', 'an int'],
    ['brokerRole=MASTER', 'brokerRole', 'one of ASYNC_MASTER, SYNC_MASTER, SLAVE'],
    ['autoCreateTopicEnable=yes', 'autoCreateTopicEnable', 'true or false'],
    ['brokerIP1=localhost', 'brokerIP1', 'IPv4'],
    ['namesrvAddr=127.0.0.1', 'namesrvAddr', 'host:port'],
    ['deleteWhen=4am', 'deleteWhen', 'hours 00-23'],
    ['mapedFileSizeConsumeQueue=1001', 'mapedFileSizeConsumeQueue', 'multiple of 20'],
    ['messageDelayLevel=1s 5x', 'messageDelayLevel', 'durations'],
    ['diskMaxUsedSpaceRatio=99', 'diskMaxUsedSpaceRatio', 'from 10 to 95'],
    ['brokerPermission=8', 'brokerPermission', 'from 0 to 7'],
  ])('%s is rejected naming the key, file and line', (line, key, expected) => {
    const run = () => parse(`# comment\n${line}`);
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(`broker.conf:2: ${key}=`);
    expect(run).toThrow(expected);
  });

  it('no RocketMQ-only key shadows a schema key', () => {
    const schemaKeys = Object.keys(brokerConfigDefinition(env).schema);
    expect(schemaKeys.filter((k) => k in BROKER_KEYS_NOT_USED_YET)).toEqual([]);
  });

  it('formats the effective config as key=value lines for mqbroker -p', () => {
    const text = formatConfig(brokerConfigDefinition(env), parse('listenPort=20911').config);
    expect(text.split('\n')).toContain('listenPort=20911');
    expect(text.split('\n')).toHaveLength(Object.keys(parse('').config).length);
  });
});

describe('brokerRole and brokerId (BrokerStartup)', () => {
  it('a SLAVE with brokerId 0 is a config error that says to set brokerId', () => {
    const run = () => parse('brokerRole=SLAVE');
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('broker.conf: brokerRole=SLAVE needs brokerId > 0 (got 0); set brokerId=1');
  });

  it('a SLAVE with brokerId 2 keeps it', () => {
    const { config, warnings } = parse('brokerRole=SLAVE\nbrokerId=2');
    expect(config.brokerId).toBe(2);
    expect(warnings).toEqual([]);
  });

  it.each(['ASYNC_MASTER', 'SYNC_MASTER'])(
    '%s with brokerId 1 runs as 0, with a warning',
    (role) => {
      const { config, warnings } = parse(`brokerRole=${role}\nbrokerId=1`);
      expect(config.brokerId).toBe(0);
      expect(Object.isFrozen(config)).toBe(true);
      expect(warnings).toEqual([
        `broker.conf: brokerId=1 with brokerRole=${role}; a master's brokerId is always 0, using 0 (set brokerRole=SLAVE for a slave)`,
      ]);
    },
  );
});
