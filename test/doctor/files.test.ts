/**
 * Issue 16, items 1, 3 and 8: doctor opens every file the daemon will open as the service user would (here the
 * `nobody` user stands in for `qrgate`), and says when the presence settings keep people inside across days.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/load.js';
import type { Finding } from '../../src/doctor/check.js';
import { checkFiles, checkGroups, type ServiceUser } from '../../src/doctor/file-checks.js';
import { checkPresence } from '../../src/doctor/local-checks.js';
import { hashPassword } from '../../src/http/auth/password.js';
import { tempDir } from '../helpers/tmp.js';

const NOBODY: ServiceUser = { name: 'nobody', uid: 65534, gid: 65534 };
const asRoot = process.getuid?.() === 0;

function folder(): string {
  const dir = join(tempDir('qrgate-doc-'), 'etc');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(join(dir, '..'), 0o755);
  return dir;
}

const byCheck = (findings: Finding[], check: string): Finding | undefined => findings.find((f) => f.check === check);

describe.runIf(asRoot)('doctor opens the daemon’s files as the service user', () => {
  it('fails a key only root can read, or a directory in its place, with E_STORE_KEY and a fix', () => {
    const dir = folder();
    const key = join(dir, 'store.key');
    writeFileSync(key, Buffer.alloc(32, 1), { mode: 0o600 });
    const cfg = (keyFile: string) =>
      resolveConfig({ device: { id: 'k', site: 's' }, store: { path: join(dir, 'q.db'), keyFile } }, {}).config;
    expect(byCheck(checkFiles(cfg(key), NOBODY), 'key file')).toMatchObject({
      verdict: 'fail',
      code: 'E_STORE_KEY',
      message: expect.stringContaining('cannot be opened by nobody: EACCES') as unknown,
      fix: `chown nobody:nobody ${key} && chmod 600 ${key} (the key belongs to the service user, nobody else)`,
    });
    chownSync(key, NOBODY.uid, NOBODY.gid);
    expect(byCheck(checkFiles(cfg(key), NOBODY), 'key file')).toMatchObject({
      verdict: 'ok',
      message: `${key}: 32 bytes, mode 600, readable by nobody`,
    });
    const asDir = join(dir, 'key-dir');
    mkdirSync(asDir);
    expect(byCheck(checkFiles(cfg(asDir), NOBODY), 'key file')).toMatchObject({
      verdict: 'fail',
      code: 'E_STORE_KEY',
      message: expect.stringContaining('EISDIR') as unknown,
    });
  });

  it('says a missing key is fine only when the service user can create it in its folder', () => {
    const dir = folder(); // root's, mode 0755: nobody may not create a file in it
    const key = join(dir, 'store.key');
    const cfg = (keyFile: string) =>
      resolveConfig({ device: { id: 'k', site: 's' }, store: { path: join(dir, 'q.db'), keyFile } }, {}).config;
    expect(byCheck(checkFiles(cfg(key), NOBODY), 'key file')).toMatchObject({
      verdict: 'fail',
      code: 'E_STORE_KEY',
      message: `${key} does not exist yet and nobody cannot write to its folder ${dir}: the daemon could not create it and would stop with E_STORE_KEY`,
      fix: `install -d -o nobody -g nobody -m 0750 ${dir} (or, if the key is elsewhere, set store.keyFile to it)`,
    });
    const missing = join(dir, 'no-such-folder', 'store.key');
    expect(byCheck(checkFiles(cfg(missing), NOBODY), 'key file')).toMatchObject({
      verdict: 'fail',
      code: 'E_STORE_KEY',
      message: expect.stringContaining(`its folder ${join(dir, 'no-such-folder')} does not exist`) as unknown,
    });
    chownSync(dir, NOBODY.uid, NOBODY.gid);
    expect(byCheck(checkFiles(cfg(key), NOBODY), 'key file')).toMatchObject({
      verdict: 'ok',
      message: `${key} does not exist yet; nobody can create it (mode 0600) on first start`,
    });
  });

  it('checks the technician hash (readable, valid, not writable by the daemon) and the broker’s files', async () => {
    const dir = folder();
    const hash = join(dir, 'tech.hash');
    writeFileSync(hash, `${await hashPassword('pw', { N: 1024, r: 8, p: 1 })}\n`, { mode: 0o600 });
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'x', { mode: 0o600 });
    // The store's folder is the service user's (the unit's StateDirectory): a key not made yet is fine.
    const state = join(dir, 'state');
    mkdirSync(state);
    chownSync(state, NOBODY.uid, NOBODY.gid);
    const config = resolveConfig(
      {
        device: { id: 'k', site: 's' },
        store: { path: join(state, 'q.db'), keyFile: join(state, 'none.key') },
        http: { passwordHashFile: hash },
        mqtt: { url: 'mqtts://b:8883', ca, cert: join(dir, 'missing.pem') },
      },
      {},
    ).config;
    let findings = checkFiles(config, NOBODY);
    expect(findings.map((f) => [f.check, f.verdict, f.code])).toEqual([
      ['key file', 'ok', undefined],
      ['technician password', 'fail', 'E_HTTP_NO_PASSWORD'],
      ['file mqtt.ca', 'fail', 'E_MQTT_FILE'],
      ['file mqtt.cert', 'fail', 'E_MQTT_FILE'],
    ]);
    expect(byCheck(findings, 'technician password')?.fix).toBe(`chown root:nobody ${hash} && chmod 640 ${hash}`);
    // The old advice (chown qrgate: …): readable, but the daemon could rewrite its own login.
    chownSync(hash, NOBODY.uid, NOBODY.gid);
    chmodSync(ca, 0o644);
    findings = checkFiles(config, NOBODY);
    expect(byCheck(findings, 'technician password')).toMatchObject({
      verdict: 'warn',
      message: expect.stringContaining('writable by nobody') as unknown,
    });
    expect(byCheck(findings, 'file mqtt.ca')?.verdict).toBe('ok');
    chownSync(hash, 0, NOBODY.gid);
    chmodSync(hash, 0o640);
    expect(byCheck(checkFiles(config, NOBODY), 'technician password')).toMatchObject({ verdict: 'ok' });
  });
});

describe('doctor on presence', () => {
  const cfg = (over: Record<string, unknown>) => resolveConfig({ device: { id: 'k', site: 's' }, ...over }, {}).config;

  it('is content with the default end-of-day checkout', () => {
    expect(checkPresence(cfg({}))).toMatchObject({ verdict: 'ok', message: 'everyone still inside is checked out automatically at 23:59' });
  });

  it('warns when nobody is ever checked out, and when only those who scan out leave', () => {
    const never = checkPresence(cfg({ checkout: { at: 'never' }, scanners: [{ id: 'g', type: 'simulated', source: 'stdin' }] }));
    expect(never).toMatchObject({
      verdict: 'warn',
      message: expect.stringContaining('everyone stays on the inside list across days') as unknown,
    });
    const toggle = checkPresence(
      cfg({ checkout: { at: 'never' }, scanners: [{ id: 'g', type: 'simulated', source: 'stdin', direction: 'toggle' }] }),
    );
    expect(toggle).toMatchObject({ verdict: 'warn', message: expect.stringContaining('whoever does not scan out stays') as unknown });
  });
});

describe('doctor on the service user’s groups', () => {
  it('warns when the service user is in input (which reads every keyboard), and is content otherwise', () => {
    const dir = tempDir('qrgate-groups-');
    const groups = join(dir, 'group');
    writeFileSync(groups, 'dialout:x:20:qrgate\ninput:x:101:pi,qrgate\nqrgate:x:998:\n');
    const qrgate: ServiceUser = { name: 'qrgate', uid: 998, gid: 998 };
    expect(checkGroups(qrgate, groups)).toMatchObject([
      { check: 'service groups', verdict: 'warn', fix: expect.stringContaining('sudo gpasswd -d qrgate input') as unknown },
    ]);
    writeFileSync(groups, 'dialout:x:20:qrgate\ninput:x:101:pi\n');
    expect(checkGroups(qrgate, groups)).toMatchObject([{ verdict: 'ok' }]);
    expect(checkGroups(null, groups)).toEqual([]);
  });
});
