// Runs the bundled CLI (a CommonJS file) as a classic script compiled with V8's code cache, the way Node 22's
// module.enableCompileCache does and Node 20 cannot. Compiling the 3 MB bundle was half of the daemon's start-up on
// this hardware; with the cache V8 deserializes the bytecode of the bundle's top level instead of compiling it.
//
// The cache lives in $CACHE_DIRECTORY (systemd's CacheDirectory=, writable under ProtectSystem=strict), else next to
// the bundle. V8 checks its own version and flags but, of the source, only its length: the file name therefore
// carries a hash of the source, the node version and the node options, so a rebuilt bundle never meets a stale cache.
// The cache is only an optimisation: any failure to read or write it is ignored and the bundle compiles as usual.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

function cacheFileFor(file, source) {
  const dir = process.env.CACHE_DIRECTORY?.split(':')[0] || join(dirname(file), '.v8-cache');
  const key = createHash('sha256').update(source).update(`\0${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`);
  return join(dir, `${basename(file)}.${key.digest('hex').slice(0, 24)}.v8cache`);
}

/** Whether a cache could be written: else every start would pay for a child that compiles in vain. */
function writable(dir) {
  for (const d of [dir, dirname(dir)]) {
    try {
      accessSync(d, constants.W_OK);
      return true;
    } catch {
      // missing or read-only: try the parent, where the folder would be made
    }
  }
  return false;
}

function readCache(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(path, script) {
  try {
    // Not { recursive: true }: Node 20's recursive mkdir spins forever under an unwritable parent such as /proc.
    if (!existsSync(dirname(path))) mkdirSync(dirname(path));
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, path); // atomic: two processes starting at once never read half a cache
  } catch {
    rmSync(`${path}.${process.pid}.tmp`, { force: true });
  }
}

function compile(file, source, cachedData) {
  return new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // import() inside the bundle (optional native modules) resolves as it would in a file Node loaded itself.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
}

function run(script, file) {
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

/** Loads `file` (a CommonJS bundle) and returns its exports. */
export function loadBundle(file) {
  const source = readFileSync(file, 'utf8');
  const cachePath = cacheFileFor(file, source);
  let cachedData = readCache(cachePath);
  if (cachedData === undefined && writable(dirname(cachePath))) {
    // Compiling without a cache leaves ~15 MB in the process's malloc heap for good, more than a long-running daemon
    // can spare: a short-lived child with the same node options compiles and writes the cache instead.
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), file], { stdio: 'ignore' });
    cachedData = readCache(cachePath);
  }
  const script = compile(file, source, cachedData);
  // V8 refuses a cache made under other flags (NODE_OPTIONS, say): drop it, and the next start makes a fitting one.
  if (script.cachedDataRejected === true) rmSync(cachePath, { force: true });
  return run(script, file);
}

/** The child's side: compile without a cache, run the bundle's top level (so its functions are compiled), save. */
function warm(file) {
  const source = readFileSync(file, 'utf8');
  const script = compile(file, source, undefined);
  run(script, file);
  writeCache(cacheFileFor(file, source), script);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) warm(process.argv[2]);
