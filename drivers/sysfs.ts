/** Small tolerant readers for sysfs: a missing or unreadable attribute is `null`, never an exception. */
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join, resolve, dirname, basename } from 'node:path';

export async function readAttr(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

export async function readBytes(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

export async function listDir(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch {
    return [];
  }
}

export async function realOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** The symlinks in `dir`, as `[link path, basename of its target]`. */
export async function linksIn(dir: string): Promise<Array<readonly [string, string]>> {
  const out: Array<readonly [string, string]> = [];
  for (const name of await listDir(dir)) {
    try {
      const target = await readlink(join(dir, name));
      out.push([join(dir, name), basename(resolve(dir, target))]);
    } catch {
      // Not a symlink, or it vanished between readdir and readlink: not a stable name.
    }
  }
  return out;
}

/** Walks up from `start` (inclusive) to `root` (exclusive), returning the first directory holding `marker`. */
export async function ancestorWith(start: string, root: string, marker: string): Promise<string | null> {
  let dir = start;
  const stop = resolve(root);
  while (dir.startsWith(stop) && dir !== stop) {
    if ((await readAttr(join(dir, marker))) !== null) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}
