import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const LOADER = fileURLToPath(new URL('../../bin/load-bundle.js', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/qrgate.js', import.meta.url));

/** Loads `bundle` through bin/load-bundle.js in a fresh node, as bin/qrgate.js does, and prints its exports. */
function load(dir: string, bundle: string, cacheDir: string, nodeOptions: string[] = []) {
  const runner = join(dir, 'runner.mjs');
  // A bundle may export \`load\`, an async function, whose result is printed instead of the exports.
  const print = 'const m = loadBundle(process.argv[2]);\nconsole.log(JSON.stringify(typeof m.load === "function" ? await m.load() : m));\n';
  writeFileSync(runner, `import { loadBundle } from ${JSON.stringify(LOADER)};\n${print}`);
  const r = spawnSync(process.execPath, [...nodeOptions, runner, bundle], {
    encoding: 'utf8',
    env: { ...process.env, CACHE_DIRECTORY: cacheDir },
    timeout: 30_000,
  });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

/** A temporary folder with a bundle `b.cjs` holding `source`, and where its cache goes. */
function fixture(source: string) {
  const dir = tempDir();
  const bundle = join(dir, 'b.cjs');
  writeFileSync(bundle, source);
  return { dir, bundle, cache: join(dir, 'cache') };
}

describe('the bundle loader (bin/load-bundle.js): V8 code cache', () => {
  it('writes a cache on the first load and reuses it unchanged on the next', () => {
    const { dir, bundle, cache } = fixture('function twice(x) { return 2 * x; }\nmodule.exports = { value: twice(21) };\n');
    expect(load(dir, bundle, cache)).toMatchObject({ status: 0, out: '{"value":42}' });
    const [file] = cacheFiles(cache);
    expect(file).toMatch(/^b\.cjs\.[0-9a-f]{16}\.[0-9a-f]{16}\.v8cache$/);
    const before = statSync(join(cache, file!)).mtimeMs;
    expect(load(dir, bundle, cache)).toMatchObject({ status: 0, out: '{"value":42}' });
    expect(cacheFiles(cache)).toEqual([file]);
    expect(statSync(join(cache, file!)).mtimeMs).toBe(before);
  });

  it("never runs a stale cache: a rebuilt bundle of the same length gets its own, and replaces the old build's", () => {
    const { dir, bundle, cache } = fixture('module.exports = { value: 1 };\n');
    expect(load(dir, bundle, cache).out).toBe('{"value":1}');
    const [old] = cacheFiles(cache);
    const otherBundle = 'other.cjs.0123456789abcdef.0123456789abcdef.v8cache';
    writeFileSync(join(cache, otherBundle), 'not ours');
    writeFileSync(bundle, 'module.exports = { value: 2 };\n'); // V8 itself would only compare the length
    expect(load(dir, bundle, cache).out).toBe('{"value":2}');
    const now = cacheFiles(cache);
    expect(now).toHaveLength(2);
    expect(now).toContain(otherBundle);
    expect(now).not.toContain(old);
  });

  it('keeps one cache per set of node options for the same build', () => {
    const { dir, bundle, cache } = fixture('module.exports = { value: 5 };\n');
    expect(load(dir, bundle, cache).out).toBe('{"value":5}');
    expect(load(dir, bundle, cache, ['--max-semi-space-size=2']).out).toBe('{"value":5}');
    expect(cacheFiles(cache)).toHaveLength(2);
  });

  it('does not pass debugger or profiler options to the compiling child, nor key the cache on them', () => {
    const { dir, bundle, cache } = fixture('module.exports = { value: 6 };\n');
    expect(load(dir, bundle, cache, ['--cpu-prof', `--cpu-prof-dir=${join(dir, 'prof')}`]).out).toBe('{"value":6}');
    expect(readdirSync(join(dir, 'prof')).filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(1); // the parent's only
    expect(load(dir, bundle, cache).out).toBe('{"value":6}');
    expect(cacheFiles(cache)).toHaveLength(1);
  });

  it('runs the bundle from a corrupt cache and removes that cache', () => {
    const { dir, bundle, cache } = fixture('module.exports = { value: 3 };\n');
    load(dir, bundle, cache);
    const [file] = cacheFiles(cache);
    writeFileSync(join(cache, file!), Buffer.alloc(4096, 0x5a));
    expect(load(dir, bundle, cache)).toMatchObject({ status: 0, out: '{"value":3}' });
    expect(cacheFiles(cache)).toEqual([]);
  });

  it('runs without a cache where none can be written (a file where the folder should be)', () => {
    const { dir, bundle } = fixture('module.exports = { value: 4 };\n');
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, '');
    expect(load(dir, bundle, join(notADir, 'cache'))).toMatchObject({ status: 0, out: '{"value":4}' });
    expect(readFileSync(notADir, 'utf8')).toBe('');
  });

  it('the real bundle calls no import(): a classic script cannot, so what stays outside it is require()d', () => {
    const bundle = readFileSync(fileURLToPath(new URL('../../dist/qrgate.cjs', import.meta.url)), 'utf8');
    expect(bundle.match(/[^\w$.]import\(/g) ?? []).toEqual([]);
    expect(bundle).toContain('"node-hid"');
  });

  it('runs the real CLI the same with and without its cache', () => {
    const dir = tempDir();
    const env = { ...process.env, CACHE_DIRECTORY: join(dir, 'cache') };
    const first = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', env });
    const second = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', env });
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(second.stdout).toBe(first.stdout);
    expect(cacheFiles(join(dir, 'cache'))).toHaveLength(1);
  });
});

describe('the bundle loader trusts only a cache nobody else could write (issue 16, item 2)', () => {
  const asRoot = process.getuid?.() === 0;

  it('never reads a cache in a folder writable by others', () => {
    const { dir, bundle, cache } = fixture('module.exports = { value: 7 };\n');
    load(dir, bundle, cache);
    const [file] = cacheFiles(cache);
    // Planted bytes: read, V8 would reject them and the loader delete them (see the corrupt-cache test above).
    writeFileSync(join(cache, file!), Buffer.alloc(4096, 0x5a));
    chmodSync(cache, 0o777);
    expect(load(dir, bundle, cache)).toMatchObject({ status: 0, out: '{"value":7}' });
    expect(cacheFiles(cache)).toEqual([file]);
    expect(readFileSync(join(cache, file!))).toEqual(Buffer.alloc(4096, 0x5a));
  });

  it.runIf(asRoot)('never reads, as root, a cache file that belongs to another user', () => {
    const { dir, bundle, cache } = fixture('module.exports = { value: 8 };\n');
    load(dir, bundle, cache);
    const [file] = cacheFiles(cache);
    writeFileSync(join(cache, file!), Buffer.alloc(4096, 0x5a));
    chownSync(join(cache, file!), 1000, 1000);
    expect(load(dir, bundle, cache)).toMatchObject({ status: 0, out: '{"value":8}' });
    // Not read (read, it would have been rejected and deleted): replaced by a cache of root's own making.
    expect(cacheFiles(cache)).toEqual([file]);
    expect(statSync(join(cache, file!)).uid).toBe(0);
    expect(readFileSync(join(cache, file!))).not.toEqual(Buffer.alloc(4096, 0x5a));
  });
});
