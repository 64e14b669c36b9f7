/**
 * Replaces a file so that a power cut leaves either the old or the new content, never half of one: write a
 * temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
 */
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface WriteOptions {
  readonly mode: number;
  readonly owner?: { readonly uid: number; readonly gid: number } | null;
}

export function writeAtomic(file: string, content: string, options: WriteOptions): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  const fd = openSync(tmp, 'wx', options.mode);
  try {
    fchmodSync(fd, options.mode); // the umask must not loosen or tighten what was asked
    if (options.owner) fchownSync(fd, options.owner.uid, options.owner.gid);
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
