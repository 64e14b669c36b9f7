/**
 * The page's static files, read once into memory from `public/` next to this module: `src/http/public` when the
 * sources run (tests), `dist/src/http/public` in a build (`npm run build` copies them with scripts/copy-assets.mjs,
 * since tsc copies only what it compiles). A fixed set served by name, so there is no path to traverse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** Missing files are not fatal: the daemon keeps recording, and the page route says what is wrong. */
export function loadAssets(dir: string = PUBLIC_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return assets;
  }
  for (const name of names) {
    const type = TYPES[extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return assets;
}
