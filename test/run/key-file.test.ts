/**
 * Issue 16, item 3: a key file the service user cannot read, or a directory in its place, is E_STORE_KEY with the
 * path and the fix, exit 78 (systemd does not restart it), no stack trace, and no database file left behind.
 * The daemon runs as a real process under another uid (nobody), as the service user would.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { writeConfig } from '../helpers/daemon.js';
import { tempDir } from '../helpers/tmp.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

function runAs(uid: number, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      uid,
      gid: uid,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CACHE_DIRECTORY: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A state folder the service user owns, as systemd's StateDirectory gives it. */
function stateDir(): string {
  const dir = join(tempDir('qrgate-key-'), 'state');
  mkdirSync(dir, { mode: 0o750 });
  chmodSync(join(dir, '..'), 0o755);
  chownSync(dir, NOBODY, NOBODY);
  return dir;
}

describe.runIf(asRoot)('an unusable store key', () => {
  beforeAll(async () => {
    // Every case below expects exit 78; a checkout nobody cannot read (a clone inside a 0700 folder, as `mktemp -d`
    // makes) exits 1 before the daemon runs at all. Say that, rather than a bare "expected 1 to be 78".
    const probe = await runAs(NOBODY, ['--version']);
    if (probe.code !== 0)
      throw new Error(
        `these tests run ${BIN} as nobody (uid ${NOBODY}), who cannot run it here (exit ${probe.code}): every folder above the checkout must be traversable by other users (mode o+x). ${probe.stderr.split('\n').find((l) => l.includes('Error')) ?? ''}`,
      );
  });

  it('a 0600 key owned by root: E_STORE_KEY naming the path and the fix, exit 78, nothing created', async () => {
    const dir = stateDir();
    const key = join(dir, 'store.key');
    writeFileSync(key, Buffer.alloc(32, 7), { mode: 0o600 });
    const config = writeConfig(dir, {});
    chmodSync(config, 0o644);
    const run = await runAs(NOBODY, ['run', '--config', config]);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('E_STORE_KEY');
    expect(run.stderr).toContain(key);
    expect(run.stderr).toContain(`chown qrgate:qrgate ${key}`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'qrgate.db'))).toBe(false);
  });

  it('a directory where the key should be: E_STORE_KEY, exit 78, nothing created', async () => {
    const dir = stateDir();
    const key = join(dir, 'store.key');
    mkdirSync(key);
    chownSync(key, NOBODY, NOBODY);
    const config = writeConfig(dir, {});
    chmodSync(config, 0o644);
    const run = await runAs(NOBODY, ['run', '--config', config]);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(`${key} is a directory`);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'qrgate.db'))).toBe(false);
  });
});
