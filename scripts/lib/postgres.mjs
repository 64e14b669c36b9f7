// A real, throwaway PostgreSQL cluster for a test file, a benchmark or a chaos scenario (the vitest suite imports it
// through test/helpers/postgres.ts; types in postgres.d.mts): initdb into a temporary folder, the postmaster on a
// free loopback port, its unix socket inside that folder, fsync on (durability is what the tests are about).
// PostgreSQL refuses to run as root, and CI runs as root: then initdb and the server run as an unprivileged user
// (`postgres`, which Debian's package creates, else `nobody`) through setpriv, which execs in place, so the child's
// pid is the postmaster's own and a kill -9 reaches it. down('SIGKILL') kills the postmaster and every backend at
// once, as a power cut would. The server stays in the caller's process group, so a CI timeout that kills the group
// ends it too.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './broker.mjs';
import { sleep, track } from './util.mjs';

const ROOT_DIR = '/usr/lib/postgresql';
const SUPERUSER = 'qrgate';

/** The newest PostgreSQL server installed from Debian's packages: /usr/lib/postgresql/<major>/bin. */
export function postgresBin() {
  const majors = existsSync(ROOT_DIR)
    ? readdirSync(ROOT_DIR).filter((v) => /^\d+$/.test(v) && existsSync(join(ROOT_DIR, v, 'bin', 'postgres')))
    : [];
  if (majors.length === 0) return null;
  return join(ROOT_DIR, String(Math.max(...majors.map(Number))), 'bin');
}

/** The bin folder, where requirePostgres() was already asked. */
function binDir() {
  const dir = postgresBin();
  if (dir === null) throw new Error('PostgreSQL is not installed (requirePostgres() says what to install)');
  return dir;
}

export function requirePostgres() {
  if (postgresBin() === null) {
    throw new Error(
      'PostgreSQL is missing: the PostgreSQL store tests need a real server. Run scripts/test-deps.sh (as root) or `apt-get install postgresql`.',
    );
  }
}

/** Who runs the server: ourselves, or (as root) an unprivileged user. */
/** @returns {{ uid: number, gid: number, name: string } | null} */
function serverUser() {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { name, uid, gid };
    } catch {
      // no such user: try the next
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

/**
 * The server's environment: the caller's without libfaketime. The tests shift the clock of qrgate (and of the test
 * runner) with faketime, whose LD_PRELOAD every child inherits; PostgreSQL then reads the faked time in some
 * processes and the real one in others (its own log shows both years) and never leaves "starting up" after a
 * restart. qrgate never asks the server for the time (every timestamp comes from its injected clock), so the
 * server keeps the real one.
 */
function serverEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name === 'LD_PRELOAD' || name.startsWith('FAKETIME')) delete env[name];
  return env;
}

/**
 * @param {{ uid: number, gid: number } | null} user
 * @param {string} bin
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
function asUser(user, bin, args) {
  return user === null
    ? [bin, args]
    : ['setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--', bin, ...args]];
}

export class Postgres {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  proc = undefined;
  log = '';

  constructor(port, dir, { fsync = true, settings = {} } = {}) {
    this.port = port;
    this.dir = dir;
    this.data = join(dir, 'data');
    this.fsync = fsync;
    /** Extra server settings (`-c name=value`). */
    this.settings = settings;
    this.host = '127.0.0.1';
    this.user = SUPERUSER;
    this.serverUser = serverUser();
  }

  /** initdb into a new temporary folder (or `dir`), then start the server on a free port. */
  static async start(options = {}) {
    requirePostgres();
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'qrgate-pg-'));
    const server = new Postgres(await freePort(), dir, options);
    server.initdb();
    await server.up();
    return server;
  }

  /** A connection URL for `database` (default: postgres) as the superuser; trust authentication on loopback. */
  url(database = 'postgres') {
    return `postgres://${this.user}@${this.host}:${this.port}/${database}`;
  }

  get running() {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  initdb() {
    if (this.serverUser !== null) chownSync(this.dir, this.serverUser.uid, this.serverUser.gid);
    const [cmd, args] = asUser(this.serverUser, join(binDir(), 'initdb'), [
      '-D',
      this.data,
      '-U',
      this.user,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
      '--no-instructions',
    ]);
    try {
      execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', cwd: this.dir, env: serverEnv() });
    } catch (err) {
      throw new Error(`initdb failed: ${err.stderr ?? err.message}`, { cause: err });
    }
  }

  async up() {
    const settings = {
      listen_addresses: this.host,
      port: String(this.port),
      unix_socket_directories: this.dir,
      fsync: this.fsync ? 'on' : 'off',
      synchronous_commit: 'on',
      max_connections: '100',
      log_min_messages: 'warning',
      ...this.settings,
    };
    const argv = ['-D', this.data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    const [cmd, args] = asUser(this.serverUser, join(binDir(), 'postgres'), argv);
    const proc = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.dir, env: serverEnv() }));
    proc.stderr.setEncoding('utf8').on('data', (d) => (this.log += d));
    this.proc = proc;
    // Crash recovery replays the WAL: on a loaded 2-core machine with a slow disk that took over 15 s.
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`postgres exited: ${this.log}`);
      const client = new pg.Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch (err) {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline)
          throw new Error(`postgres did not accept connections on ${this.port}: ${err.message}\n${this.log}`, { cause: err });
      }
      await sleep(25);
    }
  }

  /**
   * Stops the server: SIGINT is PostgreSQL's fast shutdown (clients disconnected, a checkpoint written); SIGTERM
   * its smart one (waits for clients to leave); SIGKILL kills the postmaster and every backend at once (a crash:
   * the next up() recovers from the WAL).
   * @param {NodeJS.Signals} [signal]
   */
  async down(signal = 'SIGINT') {
    const proc = this.proc;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    if (signal !== 'SIGKILL') {
      proc.kill(signal);
      await exited;
      return;
    }
    const backends = childrenOf(proc.pid);
    proc.kill('SIGKILL');
    for (const pid of backends) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await exited;
    // A backend still alive holds the shared memory, and the next postmaster would refuse to start.
    const deadline = Date.now() + 5000;
    while (backends.some(alive) && Date.now() < deadline) await sleep(10);
  }

  /** Runs `sql` (no parameters) as the superuser in `database`; the rows. */
  async query(sql, database = 'postgres', params = []) {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** A new empty database (named `name`, or a fresh name); its URL. */
  async createDatabase(name = undefined) {
    Postgres.counter += 1;
    const db = name ?? `t${process.pid}_${Postgres.counter}`;
    await this.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`);
    return this.url(db);
  }

  /** Fast shutdown and the folder removed. */
  async stop() {
    await this.down('SIGINT');
    rmSync(this.dir, { recursive: true, force: true });
  }

  static counter = 0;
}

/** The pids whose parent is `pid` (PostgreSQL's backends and auxiliary processes are the postmaster's children). */
function childrenOf(pid) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Running, not a zombie (a killed backend stays one until something reaps it, which in a container may be never). */
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
