// An append-only JSON-lines ledger: one line per entry, fsynced before append() returns, so an
// entry that append() reported survives a kill -9. A torn last line (a kill in the middle of a
// write) is ignored on read: its append never returned, so nothing acted on it.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface Entry {
  transactionId: string;
  transferId: string;
  amount: number;
}

export function readLedger(path: string): Entry[] {
  if (!existsSync(path)) return [];
  const out: Entry[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as Entry);
    } catch {
      // a torn last line: never acknowledged
    }
  }
  return out;
}

export class Ledger {
  private readonly fd: number;
  /** transactionId → entry, loaded at open and kept in step with append(). */
  readonly byTransaction = new Map<string, Entry>();

  constructor(path: string) {
    for (const e of readLedger(path)) this.byTransaction.set(e.transactionId, e);
    this.fd = openSync(path, 'a');
    // A torn last line must not swallow the next entry: start it on a fresh line.
    writeSync(this.fd, '\n');
  }

  append(e: Entry): void {
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
    fsyncSync(this.fd);
    this.byTransaction.set(e.transactionId, e);
  }

  close(): void {
    closeSync(this.fd);
  }
}
