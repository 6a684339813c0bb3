// A real small file system for disk-usage tests: a tmpfs of a given size mounted on a temp dir.
// CI runs as root; where mounting is refused the test fails with the reason, never falls back to
// a capacity the store is told to believe (that would test the pretence, not the disk).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallFs {
  readonly dir: string;
  readonly sizeBytes: number;
  /** Used fraction as the store reads it (statfs: blocks - bfree over blocks). */
  usedRatio(): number;
  /** Writes (or rewrites) a ballast file so the file system is `ratio` used; returns its size. */
  fillTo(ratio: number): number;
  unmount(): void;
}

export function mountSmallFs(sizeBytes: number): SmallFs {
  const dir = mkdtempSync(join(tmpdir(), 'kitemq-smallfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const why = (err as { stderr?: Buffer }).stderr?.toString().trim() || String(err);
    throw new Error(
      `cannot mount a ${sizeBytes}-byte tmpfs on ${dir} (${why}); this test needs root or CAP_SYS_ADMIN`,
    );
  }
  const ballast = join(dir, 'ballast');
  let ballastBytes = 0;
  const usedRatio = () => {
    const s = statfsSync(dir);
    return (s.blocks - s.bfree) / s.blocks;
  };
  return {
    dir,
    sizeBytes,
    usedRatio,
    fillTo(ratio) {
      const s = statfsSync(dir);
      const others = (s.blocks - s.bfree) * s.bsize - ballastBytes;
      ballastBytes = Math.max(0, Math.ceil(ratio * s.blocks * s.bsize - others));
      writeFileSync(ballast, Buffer.alloc(ballastBytes));
      return ballastBytes;
    },
    unmount() {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
