// mqadmin's subcommand modules share one flag table (parseArgs takes one key per letter): two
// modules giving the same short letter to different keys would make one of them read the
// other's value. This keeps every letter on one key.
import { describe, expect, it } from 'vitest';
import { OPTIONS } from './mqadmin.js';

describe('mqadmin flags', () => {
  it('give each short letter to one option key', () => {
    const byLetter = new Map<string, string[]>();
    for (const [key, spec] of Object.entries(OPTIONS as Record<string, { short?: string }>)) {
      if (spec.short === undefined) continue;
      byLetter.set(spec.short, [...(byLetter.get(spec.short) ?? []), key]);
    }
    const clashes = [...byLetter].filter(([, keys]) => keys.length > 1);
    expect(clashes).toEqual([]);
    expect(byLetter.get('n')).toEqual(['namesrvAddr']);
  });
});
