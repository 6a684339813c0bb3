import { describe, expect, it } from 'vitest';
import { bodyAs, defaultView, HEX_DUMP_MAX_BYTES, hexDump, prettyJson } from './body-view.js';

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

describe('message body views', () => {
  it('dumps bytes as offset, hex and printable ASCII, 16 a line', () => {
    const bytes = new Uint8Array([...Buffer.from('Hello, KiteMQ!\n\x00'), 0xff, 0x41]);
    expect(hexDump(bytes).split('\n')).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 4b 69 74 65 4d 51 21 0a 00  Hello, KiteMQ!..',
      `00000010  ff 41${' '.repeat(42)}  .A`,
    ]);
    expect(hexDump(new Uint8Array())).toBe('');
  });

  it('cuts a long dump and says how much is left', () => {
    const lines = hexDump(new Uint8Array(HEX_DUMP_MAX_BYTES + 5)).split('\n');
    expect(lines.at(-1)).toBe('… 5 more bytes');
    expect(lines).toHaveLength(HEX_DUMP_MAX_BYTES / 16 + 1);
  });

  it('indents JSON and leaves anything else as it is', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('{not json')).toBe('{not json');
  });

  it('opens JSON as JSON, text as text, and bytes that are not text as hex', () => {
    expect(defaultView({ bodyText: '{}', bodyJson: true })).toBe('json');
    expect(defaultView({ bodyText: 'hi', bodyJson: false })).toBe('text');
    expect(defaultView({ bodyText: null, bodyJson: false })).toBe('hex');
    const m = { bodyBase64: b64('hi'), bodyText: 'hi' };
    expect(bodyAs('text', m)).toBe('hi');
    expect(bodyAs('hex', m)).toBe(`00000000  68 69${' '.repeat(42)}  hi`);
    expect(bodyAs('text', { bodyBase64: b64('\xff'), bodyText: null })).toBeNull();
  });
});
