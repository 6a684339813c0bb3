// RocketMQ's value-less letters: spelled as long switches for their own subcommand only.
import { describe, expect, it } from 'vitest';
import { OPTIONS } from './mqadmin.js';
import { expandSwitches, SWITCHES } from './mqadmin-switches.js';

describe('expandSwitches', () => {
  it("turns a subcommand's switch letter into its long option", () => {
    expect(expandSwitches('topicList', ['-n', 'a:1', '-c'])).toEqual([
      '-n',
      'a:1',
      '--clusterModel',
    ]);
    expect(expandSwitches('exportMetadata', ['-c', 'C', '-t', '-s'])).toEqual([
      '-c',
      'C',
      '--topicOnly',
      '--specialTopic',
    ]);
  });

  it('drops a true after a switch and lets a false turn it off, as the Java tool ignores it', () => {
    expect(expandSwitches('statsAll', ['-a', 'true', '-t', 'T'])).toEqual([
      '--activeTopic',
      '-t',
      'T',
    ]);
    expect(expandSwitches('statsAll', ['-a', 'FALSE'])).toEqual([]);
  });

  it('leaves the same letter alone in other subcommands, and a value left after a switch', () => {
    expect(expandSwitches('updateTopic', ['-c', 'DefaultCluster'])).toEqual([
      '-c',
      'DefaultCluster',
    ]);
    expect(expandSwitches('topicList', ['-c', 'DefaultCluster'])).toEqual([
      '--clusterModel',
      'DefaultCluster',
    ]);
  });

  it('names only long options mqadmin declares as switches', () => {
    const options = OPTIONS as Record<string, { type: string }>;
    for (const letters of Object.values(SWITCHES)) {
      for (const long of Object.values(letters)) expect(options[long]?.type).toBe('boolean');
    }
  });
});
