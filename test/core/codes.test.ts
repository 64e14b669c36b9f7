import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG, HTTP_CODES, HTTP_STATUS, isCode, knownCodes, type HttpCode } from '../../src/core/codes.js';

/** Every source file of the daemon and its drivers (not tests, not the browser page). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** `'E_…'`, `'W_…'` and `'S_…'` string literals: what the code raises, logs or shows. */
function codesUsedIn(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/['"`]([EWS]_[A-Z0-9_]+)['"`]/g)].map((m) => m[1] as string);
}

describe('the one code catalog', () => {
  it('holds each code once, with a layer and distinct Vietnamese and English texts', () => {
    const codes = knownCodes();
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of CATALOG) {
      expect(e.vi, e.code).not.toBe('');
      expect(e.en, e.code).not.toBe('');
      expect(e.vi, e.code).not.toBe(e.en);
    }
  });

  it('knows every code the daemon and the drivers raise, log or show', () => {
    const unknown = [...sources('src'), ...sources('drivers')].flatMap((f) =>
      codesUsedIn(f)
        .filter((c) => !isCode(c))
        .map((c) => `${c} in ${f}`),
    );
    expect(unknown).toEqual([]);
  });

  it('gives every API error code one HTTP status, in the one table the error helpers look it up in', () => {
    const http = CATALOG.filter((e) => e.layer === 'http');
    expect(http.length).toBe(Object.keys(HTTP_CODES).length);
    for (const e of http) {
      expect(e.status, e.code).toBe(HTTP_STATUS[e.code as HttpCode]);
      expect(e.status, e.code).toBeGreaterThanOrEqual(400);
      expect(e.status, e.code).toBeLessThan(600);
    }
    expect(CATALOG.filter((e) => e.layer !== 'http' && e.status !== undefined)).toEqual([]);
  });

  it('is documented in docs/codes.md, generated from it (npm run docs:codes), and the doc names no code that does not exist', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-codes-doc.mjs', '--check'], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toContain('docs/codes.md matches the catalog');
    const documented = new Set(readFileSync('docs/codes.md', 'utf8').match(/\b[EWS]_[A-Z0-9_]+\b/g));
    expect([...documented].filter((c) => !isCode(c))).toEqual([]);
    expect(knownCodes().filter((c) => !documented.has(c))).toEqual([]);
  });
});
