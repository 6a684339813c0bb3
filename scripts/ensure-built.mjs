// `npm start` runs this first (prestart): on a fresh clone it installs dependencies and compiles
// TypeScript and the console web app, and it rebuilds dist/ when any file under src/ or
// console/web/ is newer than the last build, or the web app's output is missing.
// Prints each step it takes; prints nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args, why) {
  console.log(`ensure-built: ${why}: npm ${args.join(' ')}`);
  const r = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`ensure-built: npm ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

/** Newest modification time of the files under dir (0 when dir is missing). */
function newestMtimeMs(dir, include = () => true) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    if (include(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(join(root, 'node_modules'))) {
  run(['ci'], 'node_modules is missing');
}

// Written after a successful build. tsc emits even when it reports errors, so dist/ existing is
// not enough: without the stamp (a failed or a manual build) we build again.
const stamp = join(root, 'dist', '.ensure-built-stamp');
const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sourcesAt = Math.max(
  newestMtimeMs(join(root, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts')),
  statSync(join(root, 'tsconfig.json')).mtimeMs,
  statSync(join(root, 'tsconfig.build.json')).mtimeMs,
  newestMtimeMs(join(root, 'console', 'web'), (p) => !p.includes(`${sep}node_modules${sep}`)),
);
let why = '';
if (!existsSync(join(root, 'dist'))) why = 'dist/ is missing';
else if (!existsSync(join(root, 'dist', 'console-web', 'index.html'))) {
  why = 'dist/console-web/ is missing';
} else if (builtAt === 0) why = 'dist/ has no record of a successful build';
else if (sourcesAt > builtAt) why = 'src/ or console/web/ changed since the last build';
if (why !== '') {
  run(['run', 'build'], why);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
