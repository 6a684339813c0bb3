import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  type ConfigDefinition,
  closestKey,
  editDistance,
  formatConfig,
  parseConfig,
} from './schema.js';

interface Demo {
  port: number;
  big: number;
  on: boolean;
  mode: 'A' | 'B';
  name: string;
  path: string;
}

const demo: ConfigDefinition<Demo> = {
  name: 'demo',
  schema: {
    port: { type: 'int', default: 1, min: 0, max: 65535, doc: 'a port' },
    big: { type: 'long', default: 2 ** 40, doc: 'a long', aliases: ['bigg'] },
    on: { type: 'bool', default: false, doc: 'a switch' },
    mode: { type: 'enum', default: 'A', values: ['A', 'B'], doc: 'a mode' },
    name: {
      type: 'string',
      default: 'n',
      doc: 'a name',
      check: (v) => (v.includes(' ') ? 'no spaces' : undefined),
    },
    path: { type: 'string', default: (c) => `${c.name}/x`, defaultText: '<name>/x', doc: 'p' },
  },
  notUsedYet: { legacyKey: 'does nothing here' },
};

const parse = (text: string, overrides = {}, defaults = {}) =>
  parseConfig(demo, { text, fileName: 'demo.conf', overrides, defaults });

describe('parseConfig', () => {
  it('fills defaults, derives dependent defaults and freezes the result', () => {
    const { config, warnings } = parse('');
    expect(config).toEqual({ port: 1, big: 2 ** 40, on: false, mode: 'A', name: 'n', path: 'n/x' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('derived defaults follow explicit values; explicit values are not derived', () => {
    expect(parse('name=q').config.path).toBe('q/x');
    expect(parse('name=q\npath=/abs').config.path).toBe('/abs');
  });

  it('coerces every type and trims values', () => {
    const { config } = parse('port = 80 \nbig=9007199254740991\non=TRUE\nmode=B\nname= srv ');
    expect(config).toMatchObject({ port: 80, big: 2 ** 53 - 1, on: true, mode: 'B', name: 'srv' });
  });

  it('precedence: defaults < caller defaults < file < overrides', () => {
    expect(parse('', {}, { port: 5 }).config.port).toBe(5);
    expect(parse('port=6', {}, { port: 5 }).config.port).toBe(6);
    expect(parse('port=6', { port: 7 }, { port: 5 }).config.port).toBe(7);
  });

  it('accepts aliases under the canonical name', () => {
    expect(parse('bigg=3').config.big).toBe(3);
  });

  it.each([
    ['port=abc', /demo\.conf:1: port="abc" is not valid: expected an int .* from 0 to 65535/],
    ['\nport=70000', /demo\.conf:2: port="70000".*from 0 to 65535/],
    ['port=1.5', /expected an int/],
    ['big=1e3', /expected a long/],
    ['on=yes', /on="yes" is not valid: expected a bool \(true or false\)/],
    ['mode=a', /mode="a" is not valid: expected an enum, one of A, B/],
    ['name=a b', /name="a b" is not valid: expected no spaces/],
  ])('%s is a ConfigError naming key, file, line and expected type', (text, message) => {
    expect(() => parse(text)).toThrow(ConfigError);
    expect(() => parse(text)).toThrow(message);
  });

  it('a bad override names the command line', () => {
    expect(() => parse('', { port: 'x' })).toThrow(/^command line: port="x"/);
  });

  it('the error says the default to fall back on', () => {
    expect(() => parse('port=x')).toThrow(/remove it to use the default \(1\)/);
  });

  it('an unknown key is a warning naming the closest known key, not an error', () => {
    const { config, warnings } = parse('prot=5');
    expect(config.port).toBe(1);
    expect(warnings).toEqual(['demo.conf:1: unknown demo key prot ignored; did you mean port?']);
  });

  it('an unknown key with nothing close points to the docs', () => {
    expect(parse('completelyDifferentThing=1').warnings[0]).toMatch(/see docs\/config\.md$/);
  });

  it('a recognised but unimplemented key is accepted with a warning', () => {
    expect(parse('legacyKey=1').warnings).toEqual([
      'demo.conf:1: legacyKey is a RocketMQ demo key: accepted but not used yet (does nothing here)',
    ]);
  });

  it('a key set twice warns and the last wins', () => {
    const { config, warnings } = parse('port=1\nbigg=2\nport=3\nbig=4');
    expect(config).toMatchObject({ port: 3, big: 4 });
    expect(warnings).toEqual([
      'demo.conf:3: port is set again (first at demo.conf:1); the last value wins',
      'demo.conf:4: big is set again (first at demo.conf:2); the last value wins',
    ]);
  });

  it('formatConfig prints key=value in schema order', () => {
    expect(formatConfig(demo, parse('').config)).toBe(
      'port=1\nbig=1099511627776\non=false\nmode=A\nname=n\npath=n/x',
    );
  });
});

describe('closestKey', () => {
  it('is case-insensitive and ignores far-off keys', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestKey('LISTENPORT', ['listenPort', 'brokerName'])).toBe('listenPort');
    expect(closestKey('zzzzzzzzzz', ['listenPort', 'brokerName'])).toBeUndefined();
  });
});
