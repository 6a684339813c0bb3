import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOC_PATH, renderConfigDoc } from './gen-config-doc.js';

describe('docs/config.md', () => {
  it('is generated from the current schema (run: npx tsx tools/gen-config-doc.ts)', () => {
    expect(readFileSync(CONFIG_DOC_PATH, 'utf8')).toBe(renderConfigDoc());
  });

  it('documents every broker key with its RocketMQ default', () => {
    const doc = renderConfigDoc();
    expect(doc).toContain('| `listenPort` | int 0..65535 | `10911` |');
    expect(doc).toContain('`mapedFileSizeCommitLog` (alias: mappedFileSizeCommitLog)');
    expect(doc).toContain('| `storePathRootDir` | string | `$HOME/store` |');
  });
});
