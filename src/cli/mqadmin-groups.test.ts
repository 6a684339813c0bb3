// The presentation helpers of mqadmin's group subcommands: MQVersion names for client versions
// (what consumerConnection, producerConnection and consumerProgress print) and the last time.
import { describe, expect, it } from 'vitest';
import { formatLastTime, versionDesc } from './mqadmin-groups.js';

describe('versionDesc', () => {
  it('names ordinals as MQVersion.Version does from V4_0_0_SNAPSHOT on', () => {
    expect(versionDesc(212)).toBe('V4_0_0_SNAPSHOT');
    expect(versionDesc(213)).toBe('V4_0_0');
    expect(versionDesc(401)).toBe('V4_9_4');
    expect(versionDesc(479)).toBe('V5_3_3');
    expect(versionDesc(611)).toBe('V5_9_9');
    expect(versionDesc(612)).toBe('HIGHER_VERSION');
    expect(versionDesc(-1)).toBe('V3(-1)');
  });

  it('names the V3 ordinals as the enum lists them (ali-ons reports 121)', () => {
    expect(versionDesc(0)).toBe('V3_0_0_SNAPSHOT');
    expect(versionDesc(7)).toBe('V3_0_0_BETA6_SNAPSHOT');
    expect(versionDesc(15)).toBe('V3_0_0_FINAL');
    expect(versionDesc(17)).toBe('V3_0_1');
    expect(versionDesc(46)).toBe('V3_1_0_SNAPSHOT');
    expect(versionDesc(86)).toBe('V3_3_1_SNAPSHOT');
    expect(versionDesc(121)).toBe('V3_4_9');
    expect(versionDesc(122)).toBe('V3_5_1_SNAPSHOT');
    expect(versionDesc(211)).toBe('V3_9_9');
  });
});

describe('formatLastTime', () => {
  it('prints N/A for a queue never consumed, else local yyyy-MM-dd HH:mm:ss', () => {
    expect(formatLastTime(0)).toBe('N/A');
    const t = new Date(2024, 0, 2, 3, 4, 5).getTime();
    expect(formatLastTime(t)).toBe('2024-01-02 03:04:05');
  });
});
