// Writing accepted run-time config changes back into the -c file a server started with
// (UPDATE_BROKER_CONFIG, UPDATE_NAMESRV_CONFIG), so a restart keeps them. RocketMQ's
// Configuration#persist rewrites the whole file from its objects; here only the changed keys'
// lines are rewritten, so an operator's comments and layout survive. Temp file + fsync + rename:
// a crash leaves the old file or the new one, never half of one.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { parseProperties } from '../properties.js';

/** `text` with each key of `changes` set: its last line rewritten in place, else appended. */
export function setPropertiesText(text: string, changes: Readonly<Record<string, string>>): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const lastLine = new Map<string, number>();
  for (const e of parseProperties(text)) lastLine.set(e.key, e.line - 1);
  for (const [key, value] of Object.entries(changes)) {
    const at = lastLine.get(key);
    if (at === undefined) lines.push(`${key}=${value}`);
    else lines[at] = `${key}=${value}`;
  }
  return `${lines.join('\n')}\n`;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Sets `changes` in the properties file at `path`; throws the fs error when it cannot. */
export function persistConfigChanges(
  path: string,
  changes: Readonly<Record<string, unknown>>,
): void {
  const text = setPropertiesText(
    readFileSync(path, 'utf8'),
    Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, String(v)])),
  );
  writeAtomically(path, text);
}

/** The remark for a change refused because the file could not be written. */
export function persistFailedRemark(path: string, err: unknown): string {
  const why = (err as NodeJS.ErrnoException).code ?? String(err);
  return (
    `cannot persist the change into ${path} (${why}); nothing was changed: ` +
    'check that the server can write its config file'
  );
}
