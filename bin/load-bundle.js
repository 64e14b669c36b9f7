// Runs the bundled CLI (a CommonJS file) as a classic script compiled with V8's code cache, the way Node 22's
// module.enableCompileCache does and Node 20 cannot. Compiling the bundle (2.2 MB) was half of the daemon's start-up on
// this hardware; with the cache V8 deserializes the bytecode of the bundle's top level instead of compiling it.
//
// The cache lives in $CACHE_DIRECTORY (systemd's CacheDirectory=, writable under ProtectSystem=strict), else next to
// the bundle. V8 checks its own version and flags but, of the source, only its length: the file name therefore
// carries a hash of the source, the node version and the node options, so a rebuilt bundle never meets a stale cache.
// The cache is only an optimisation: any failure to read or write it is ignored and the bundle compiles as usual.
// A cache someone else could have written (another owner, group- or world-writable) is never read: it is code.
// A classic script cannot import() on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING, whatever the vm options), so
// the bundle loads what stays outside it with require() (test/cli/load-bundle.test.ts checks the bundle has no import()).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** A compiling child that has not finished by then is killed, and this start goes on without a cache. */
const WARM_TIMEOUT_MS = 60_000;

/** Node options the compiling child must not inherit (a second debugger on the same port, a second profile). */
const NOT_FOR_THE_CHILD = /^--(inspect|debug-port|cpu-prof|heap-prof)/;
const childExecArgv = () => process.execArgv.filter((a) => !NOT_FOR_THE_CHILD.test(a));

/** `<dir>/<bundle>.<build>.<options>.v8cache`: build hashes the source; options the node version and flags. */
function cacheFileFor(file, source) {
  const dir = process.env.CACHE_DIRECTORY?.split(':')[0] || join(dirname(file), '.v8-cache');
  const hash = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
  const build = hash(source);
  const options = hash(process.version, process.arch, childExecArgv().join(' '), process.env.NODE_OPTIONS ?? '');
  return { dir, build, prefix: `${basename(file)}.`, path: join(dir, `${basename(file)}.${build}.${options}.v8cache`) };
}

/** Removes the caches of other builds of the bundle (an upgrade's leftovers); other node options' caches stay. */
function pruneOtherBuilds({ dir, build, prefix }) {
  for (const name of readdirSync(dir)) {
    const m = name.startsWith(prefix) ? /^([0-9a-f]{16})\.[0-9a-f]{16}\.v8cache$/.exec(name.slice(prefix.length)) : null;
    if (m !== null && m[1] !== build) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Code in a cache runs as whoever loads it, so a cache is only used when nobody else could have written it: the
 * file and its folder belong to this user (or root), and neither is writable by group or others. Root running
 * `qrgate provision|doctor` therefore never loads bytecode that the service user or a login user could plant.
 */
function ownedSafely(st) {
  const uid = process.geteuid?.() ?? 0;
  return (st.uid === uid || st.uid === 0) && (st.mode & 0o022) === 0;
}

function trustedDir(dir) {
  try {
    const st = statSync(dir);
    return st.isDirectory() && ownedSafely(st);
  } catch {
    return false;
  }
}

/** Whether a cache could be written (and then trusted): else every start would pay for a child that compiles in vain. */
function writable(dir) {
  for (const d of [dir, dirname(dir)]) {
    try {
      if (!statSync(d).isDirectory() || !trustedDir(d)) return false;
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
    if (!trustedDir(dirname(path)) || !ownedSafely(lstatSync(path))) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(cache, script) {
  const tmp = `${cache.path}.${process.pid}.tmp`;
  try {
    // Not { recursive: true }: Node 20's recursive mkdir spins forever under an unwritable parent such as /proc.
    if (!existsSync(cache.dir)) mkdirSync(cache.dir, { mode: 0o755 });
    writeFileSync(tmp, script.createCachedData(), { mode: 0o644 });
    renameSync(tmp, cache.path); // atomic: two processes starting at once never read half a cache
    pruneOtherBuilds(cache);
  } catch {
    rmSync(tmp, { force: true });
  }
}

function compile(file, source, cachedData) {
  return new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
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
  const cache = cacheFileFor(file, source);
  let cachedData = readCache(cache.path);
  if (cachedData === undefined && writable(cache.dir)) {
    // Compiling without a cache leaves ~15 MB in the process's malloc heap for good, more than a long-running daemon
    // can spare: a short-lived child with the same node options compiles and writes the cache instead.
    spawnSync(process.execPath, [...childExecArgv(), fileURLToPath(import.meta.url), file], { stdio: 'ignore', timeout: WARM_TIMEOUT_MS });
    cachedData = readCache(cache.path);
  }
  const script = compile(file, source, cachedData);
  // V8 refuses a cache made under other flags (NODE_OPTIONS, say): drop it, and the next start makes a fitting one.
  if (script.cachedDataRejected === true) rmSync(cache.path, { force: true });
  return run(script, file);
}

/** The child's side: compile without a cache, run the bundle's top level (so its functions are compiled), save. */
function warm(file) {
  const source = readFileSync(file, 'utf8');
  const script = compile(file, source, undefined);
  run(script, file);
  writeCache(cacheFileFor(file, source), script);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  warm(process.argv[2]);
  process.exit(0); // a timer or handle some module's top level opened must not keep the child, and the start, waiting
}
