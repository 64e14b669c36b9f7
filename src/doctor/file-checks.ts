/**
 * Every file the daemon opens (the store key, the technician password hash, the broker's password, CA, certificate
 * and client key), opened the way the daemon would: as the service user. Run as root, the doctor opens them in a
 * child process with the service user's uid and gid; a `stat` as root says nothing about what `qrgate` can read.
 */
import type { Code } from '../core/codes.js';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/schema.js';
import { parseHash, PasswordHashError } from '../core/password-hash.js';
import { SERVICE_USER, serviceIds } from '../core/service-user.js';
import { fail, ok, warn, type Finding } from './check.js';

export interface ServiceUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export interface Probe {
  readonly path: string;
  /** An errno code (ENOENT, EACCES, EISDIR, …) when the file could not be opened for reading. */
  readonly error?: string;
  readonly size?: number;
  readonly mode?: number;
  readonly writable?: boolean;
  /** For a file that does not exist: whether the user may create it in its folder (an errno code when the folder is missing). */
  readonly canCreate?: boolean | string;
}

/**
 * Runs in the child, as the user: open, fstat, and whether it could also write; for a missing file, whether the user
 * could create it (write and search on its folder). No file is read into the output.
 */
const PROBE = `
const fs = require('node:fs');
const { dirname } = require('node:path');
function canCreate(path) {
  try {
    fs.accessSync(dirname(path), fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch (err) {
    return err.code === 'ENOENT' ? 'ENOENT' : false;
  }
}
const out = process.argv.slice(1).map((path) => {
  try {
    const fd = fs.openSync(path, 'r');
    try {
      const st = fs.fstatSync(fd);
      if (st.isDirectory()) return { path, error: 'EISDIR' };
      fs.readSync(fd, Buffer.alloc(1), 0, 1, 0);
      let writable = true;
      try { fs.accessSync(path, fs.constants.W_OK); } catch { writable = false; }
      return { path, size: st.size, mode: st.mode & 0o7777, writable };
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if (err.code === 'ENOENT') return { path, error: 'ENOENT', canCreate: canCreate(path) };
    return { path, error: err.code || String(err) };
  }
});
process.stdout.write(JSON.stringify(out));
`;

export interface ProbeRun {
  readonly probes: readonly Probe[];
  /** Who opened them, for the messages. */
  readonly as: string;
  /** False when the doctor could not take the service user's identity (not root): a failure may be the doctor's own. */
  readonly asService: boolean;
}

export function probeFiles(paths: readonly string[], user: ServiceUser | null): ProbeRun {
  const me = process.getuid?.() ?? -1;
  const become = user !== null && me === 0 && user.uid !== 0;
  const asService = user === null || become || user.uid === me;
  const run = spawnSync(process.execPath, ['-e', PROBE, '--', ...paths], {
    encoding: 'utf8',
    ...(become ? { uid: user.uid, gid: user.gid } : {}),
    timeout: 10_000,
  });
  const probes =
    run.status === 0
      ? (JSON.parse(run.stdout) as Probe[])
      : paths.map((path) => ({
          path,
          error: `the check could not run (${run.error?.message ?? (run.stderr.trim() || `exit ${String(run.status)}`)})`,
        }));
  return { probes, as: become || user?.uid === me ? user.name : `uid ${me}`, asService };
}

export function defaultServiceUser(): ServiceUser | null {
  const ids = serviceIds();
  return ids === null ? null : { name: SERVICE_USER, ...ids };
}

const octal = (mode: number | undefined): string => ((mode ?? 0) & 0o777).toString(8);

/** The key: readable by the service user, 32 bytes, nobody else's to read. */
function keyFinding(path: string, p: Probe, run: ProbeRun, user: string): Finding {
  const name = 'key file';
  if (p.error === 'ENOENT') {
    if (p.canCreate === true) return ok(name, `${path} does not exist yet; ${run.as} can create it (mode 0600) on first start`);
    const dir = dirname(path);
    const why = p.canCreate === 'ENOENT' ? `its folder ${dir} does not exist` : `${run.as} cannot write to its folder ${dir}`;
    return unreadable(
      run,
      name,
      `${path} does not exist yet and ${why}: the daemon could not create it and would stop with E_STORE_KEY`,
      `install -d -o ${user} -g ${user} -m 0750 ${dir} (or, if the key is elsewhere, set store.keyFile to it)`,
      'E_STORE_KEY',
    );
  }
  if (p.error !== undefined) {
    const fix =
      p.error === 'EISDIR'
        ? `${path} is a directory: set store.keyFile to the key file, or restore the key there`
        : `chown ${user}:${user} ${path} && chmod 600 ${path} (the key belongs to the service user, nobody else)`;
    return unreadable(
      run,
      name,
      `${path} cannot be opened by ${run.as}: ${p.error}; the daemon would stop with E_STORE_KEY`,
      fix,
      'E_STORE_KEY',
    );
  }
  if (p.size !== 32)
    return fail(
      name,
      `${path} holds ${p.size} bytes, not 32`,
      'restore the right key from backup; without it sealed data cannot be read',
      'E_STORE_KEY',
    );
  if (((p.mode ?? 0) & 0o077) !== 0)
    return fail(
      name,
      `${path} has mode ${octal(p.mode)}: other users can read the key that protects personal data`,
      `chmod 600 ${path}`,
      'W_KEY_PERMISSIONS',
    );
  return ok(name, `${path}: 32 bytes, mode ${octal(p.mode)}, readable by ${run.as}`);
}

/** The technician hash: readable by the service user, never writable by it (the daemon must not rewrite its own login). */
function hashFinding(path: string, p: Probe, run: ProbeRun, user: string): Finding {
  const name = 'technician password';
  const fix = `chown root:${user} ${path} && chmod 640 ${path}`;
  if (p.error !== undefined)
    return unreadable(
      run,
      name,
      `${path} cannot be opened by ${run.as}: ${p.error}; technician login would answer E_HTTP_NO_PASSWORD`,
      p.error === 'ENOENT' ? `create it: qrgate hash-password | sudo tee ${path} && sudo ${fix}` : fix,
      'E_HTTP_NO_PASSWORD',
    );
  try {
    parseHash(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof PasswordHashError)
      return fail(name, `${path}: ${err.message}`, `make it again: qrgate hash-password | sudo tee ${path}`, 'E_HTTP_NO_PASSWORD');
    if ((err as NodeJS.ErrnoException).code === undefined) throw err;
    // The doctor itself cannot read it (not root): the service user could, which is what counts.
  }
  if (p.writable === true)
    return warn(name, `${path} is writable by ${run.as}: a compromised daemon could set its own technician password`, fix);
  if (((p.mode ?? 0) & 0o007) !== 0)
    return warn(name, `${path} has mode ${octal(p.mode)}: every user can read the hash (and try passwords against it offline)`, fix);
  return ok(name, `${path}: a valid hash, readable and not writable by ${run.as}`);
}

function plainFinding(key: string, path: string, p: Probe, run: ProbeRun): Finding {
  const name = `file ${key}`;
  if (p.error !== undefined) {
    return unreadable(
      run,
      name,
      `${path} cannot be opened by ${run.as}: ${p.error}; the broker connection would fail with E_MQTT_FILE`,
      `check the path, then: chown root:${SERVICE_USER} ${path} && chmod 640 ${path}`,
      'E_MQTT_FILE',
    );
  }
  return ok(name, `${path} is readable by ${run.as}`);
}

/** A file the doctor could not open: a failure when it checked as the service user, else only a warning. */
function unreadable(run: ProbeRun, name: string, message: string, fix: string, code: Code): Finding {
  return run.asService
    ? fail(name, message, fix, code)
    : warn(name, `${message} (checked as ${run.as}, not as the service user: run sudo qrgate doctor)`, fix, code);
}

export function checkFiles(config: Config, user: ServiceUser | null = defaultServiceUser()): Finding[] {
  const mqtt = [
    ['mqtt.passwordFile', config.mqtt.passwordFile],
    ['mqtt.ca', config.mqtt.ca],
    ['mqtt.cert', config.mqtt.cert],
    ['mqtt.key', config.mqtt.key],
  ] as const;
  const files: Array<{ kind: 'key' | 'hash' | 'plain'; key: string; path: string }> = [
    { kind: 'key', key: 'store.keyFile', path: config.store.keyFile },
  ];
  if (config.http.passwordHashFile !== undefined)
    files.push({ kind: 'hash', key: 'http.passwordHashFile', path: config.http.passwordHashFile });
  for (const [key, path] of mqtt) if (path !== undefined) files.push({ kind: 'plain', key, path });
  const run = probeFiles(
    files.map((f) => f.path),
    user,
  );
  const name = user?.name ?? SERVICE_USER;
  return files.map((f, i) => {
    const p = run.probes[i] ?? { path: f.path, error: 'no result' };
    if (f.kind === 'key') return keyFinding(f.path, p, run, name);
    if (f.kind === 'hash') return hashFinding(f.path, p, run, name);
    return plainFinding(f.key, f.path, p, run);
  });
}

/** Groups that give more than scanners: `input` reads every keyboard on the machine (a technician's password too). */
const TOO_BROAD = ['input'];

/**
 * Whether the service user is in a group it must not have (an earlier install added `input`): the unit no longer
 * asks for it, but a login under that user, or a drop-in that restores it, would still read every keyboard.
 */
export function checkGroups(user: ServiceUser | null = defaultServiceUser(), groupFile = '/etc/group'): Finding[] {
  if (user === null) return [];
  let text: string;
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    return [];
  }
  const member = text
    .split('\n')
    .map((line) => line.split(':'))
    .filter(([name, , , members]) => name !== undefined && TOO_BROAD.includes(name) && (members ?? '').split(',').includes(user.name))
    .map(([name]) => name as string);
  if (member.length === 0) return [ok('service groups', `${user.name} is in no group that reads every keyboard`)];
  return [
    warn(
      'service groups',
      `${user.name} is in ${member.join(', ')}: it could read every keyboard, a technician typing a password included`,
      `${member.map((g) => `sudo gpasswd -d ${user.name} ${g}`).join(' && ')} (scanners get the qrgate group from the udev rule)`,
    ),
  ];
}
