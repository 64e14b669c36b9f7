// A small tmpfs mounted for one scenario (we are root), unmounted in the scenario's finally.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export function mountTmpfs(dir, sizeKB) {
  const mnt = join(dir, 'mnt');
  mkdirSync(mnt, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKB}k,mode=0700`, 'tmpfs', mnt]);
  return {
    path: mnt,
    remount: (mode) => execFileSync('mount', ['-o', `remount,${mode}`, mnt], { stdio: 'pipe' }),
    unmount: () => {
      try {
        execFileSync('umount', [mnt], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
      }
    },
  };
}

/** Fills the filesystem holding `dir` until ENOSPC; returns a function that frees the space again. */
export function fill(dir) {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024, 0x55);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if (err.code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // The last partial pages too: byte by byte is cheap, there are few left.
  const fd2 = openSync(file, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512));
  } catch (err) {
    if (err.code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd2);
  }
  return () => rmSync(file, { force: true });
}
