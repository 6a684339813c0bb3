// Where the golden capture writes (src/protocol/golden/ unless an outDir is given) and how: one
// pretty-printed JSON file per fixture, with a trailing newline.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
export const OUT_DIR = process.argv[2]
  ? pathToFileURL(`${process.argv[2].replace(/\/$/, '')}/`)
  : new URL('../../src/protocol/golden/', import.meta.url);
/** The ali-ons release the fixtures were captured from, named in each file's source. */
export const ALI_ONS_VERSION: string = require('ali-ons/package.json').version;

export function write(name: string, fixture: Record<string, unknown>): void {
  const path = new URL(name, OUT_DIR);
  writeFileSync(path, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${path.pathname}`);
}
