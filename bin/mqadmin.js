#!/usr/bin/env node
// Shim into the compiled CLI; `npm start` builds dist/ first (scripts/ensure-built.mjs).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/mqadmin.js', import.meta.url);
if (!existsSync(entry)) {
  const built = existsSync(new URL('../dist/cli', import.meta.url));
  const also = built ? ' (if it is fresh, mqadmin is not implemented yet)' : '';
  console.error(`mqadmin: dist/cli/mqadmin.js not found; run npm run build first${also}`);
  process.exit(1);
}
await (await import(entry.href)).main(process.argv.slice(2));
