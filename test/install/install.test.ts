/** scripts/install.sh in a throwaway root (files only) and as a dry run (every system action asserted). */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

function install(args: string[]): { status: number | null; out: string } {
  const run = spawnSync('bash', ['scripts/install.sh', ...args], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('scripts/install.sh', () => {
  it('stages the app, config, state folder, udev rule, unit and command under --root', () => {
    const root = tempDir('qrgate-root-');
    const r = install(['--root', root]);
    expect(r.status).toBe(0);
    expect(existsSync(join(root, 'opt/qrgate/dist/src/cli/main.js'))).toBe(true);
    expect(existsSync(join(root, 'opt/qrgate/bin/qrgate.js'))).toBe(true);
    expect(readlinkSync(join(root, 'usr/local/bin/qrgate'))).toBe('/opt/qrgate/bin/qrgate.js');
    expect(readFileSync(join(root, 'etc/qrgate/config.yaml'), 'utf8')).toBe(readFileSync('config/example.yaml', 'utf8'));
    expect(statSync(join(root, 'etc/qrgate/config.yaml')).mode & 0o777).toBe(0o640);
    expect(statSync(join(root, 'var/lib/qrgate')).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(root, 'etc/udev/rules.d/99-qrgate.rules'), 'utf8')).toBe(readFileSync('drivers/udev/99-qrgate.rules', 'utf8'));
    expect(readFileSync(join(root, 'etc/systemd/system/qrgate.service'), 'utf8')).toContain(
      'ExecStart=/usr/bin/node --max-semi-space-size=2 --max-old-space-size=96 /opt/qrgate/bin/qrgate.js run --config /etc/qrgate/config.yaml',
    );
    expect(readFileSync(join(root, 'etc/systemd/system/qrgate-provision.service'), 'utf8')).toContain(
      'ExecStart=/usr/bin/node /opt/qrgate/bin/qrgate.js provision --from-scan',
    );
    // Nothing system-wide happens for a staging root.
    expect(r.out).toMatch(/skipped \(--root\): useradd|user: qrgate exists/);
    expect(r.out).toContain('skipped (--root): systemctl enable qrgate.service qrgate-provision.service');
    expect(r.out).not.toMatch(/^\+ (apt-get|useradd|systemctl)/m);
  });

  it('is idempotent and never overwrites the config', () => {
    const root = tempDir('qrgate-root-');
    expect(install(['--root', root]).status).toBe(0);
    const config = join(root, 'etc/qrgate/config.yaml');
    writeFileSync(config, 'device: { id: kiosk-1, site: hq }\n');
    const again = install(['--root', root]);
    expect(again.status).toBe(0);
    expect(again.out).toContain('config: kept');
    expect(readFileSync(config, 'utf8')).toBe('device: { id: kiosk-1, site: hq }\n');
  });

  it('rewrites the unit for another --prefix', () => {
    const root = tempDir('qrgate-root-');
    expect(install(['--root', root, '--prefix', '/srv/qg']).status).toBe(0);
    const unit = readFileSync(join(root, 'etc/systemd/system/qrgate.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/bin/node --max-semi-space-size=2 --max-old-space-size=96 /srv/qg/bin/qrgate.js run');
    expect(unit).not.toContain('/opt/qrgate');
    expect(readFileSync(join(root, 'etc/systemd/system/qrgate-provision.service'), 'utf8')).not.toContain('/opt/qrgate');
    expect(existsSync(join(root, 'srv/qg/dist/src/cli/main.js'))).toBe(true);
  });

  it('uninstalls the app but keeps config and data, and --purge removes them too', () => {
    const root = tempDir('qrgate-root-');
    expect(install(['--root', root]).status).toBe(0);
    writeFileSync(join(root, 'var/lib/qrgate/qrgate.db'), 'data');
    const keep = install(['--root', root, '--uninstall']);
    expect(keep.status).toBe(0);
    for (const gone of [
      'opt/qrgate',
      'etc/systemd/system/qrgate.service',
      'etc/systemd/system/qrgate-provision.service',
      'etc/udev/rules.d/99-qrgate.rules',
      'usr/local/bin/qrgate',
    ]) {
      expect(existsSync(join(root, gone))).toBe(false);
    }
    expect(existsSync(join(root, 'etc/qrgate/config.yaml'))).toBe(true);
    expect(existsSync(join(root, 'var/lib/qrgate/qrgate.db'))).toBe(true);
    expect(install(['--root', root, '--uninstall', '--purge']).status).toBe(0);
    expect(existsSync(join(root, 'etc/qrgate'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/qrgate'))).toBe(false);
  });

  it('prints the whole plan with --dry-run and changes nothing', () => {
    const root = tempDir('qrgate-root-');
    const r = install(['--dry-run', '--prefix', '/opt/qg-test']);
    expect(r.status).toBe(0);
    const plan = r.out;
    expect(plan).toMatch(/would: install -d -m 0755 \/opt\/qg-test/);
    expect(plan).toMatch(/would: cp -R --preserve=timestamps .*\/dist \/opt\/qg-test\/dist/);
    expect(plan).not.toContain('cp -a');
    expect(plan).toContain('would: rm -rf /opt/qg-test/dist/.v8-cache');
    expect(plan).toContain('would: chown -R -h 0:0 /opt/qg-test');
    expect(plan).toContain('would: chmod -R u+rwX,go+rX,go-w /opt/qg-test');
    expect(plan).toMatch(/would: sh -c cd '\/opt\/qg-test' && npm ci --omit=dev/);
    // This test machine has no qrgate user, so the plan must create one.
    expect(plan).toMatch(
      /would: useradd --system --user-group --home-dir \/var\/lib\/qrgate --no-create-home --shell \/usr\/sbin\/nologin qrgate/,
    );
    expect(plan).toMatch(/would: install -m 0644 \S*\/drivers\/udev\/99-qrgate\.rules \/etc\/udev\/rules\.d\/99-qrgate\.rules/);
    expect(plan).toContain(
      'would: write /etc/systemd/system/qrgate.service from systemd/qrgate.service with /opt/qrgate replaced by /opt/qg-test',
    );
    expect(plan).toContain('would: systemctl enable qrgate.service qrgate-provision.service');
    expect(plan).toContain(
      'would: write /etc/systemd/system/qrgate-provision.service from systemd/qrgate-provision.service with /opt/qrgate replaced by /opt/qg-test',
    );
    expect(plan).not.toMatch(/^\+ /m);
    expect(existsSync('/opt/qg-test')).toBe(false);
    expect(existsSync(root)).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)(
    'installs root-owned files nobody else can write, and no code cache, from a tree owned by another user (issue 16, item 2)',
    () => {
      // A clone as the login user left it: uid 1000, group- and world-writable bits, a V8 code cache next to the bundle.
      const src = tempDir('qrgate-src-');
      for (const item of [
        'bin',
        'dist',
        'config',
        'docs',
        'systemd',
        'package.json',
        'package-lock.json',
        'README.md',
        'scripts/install.sh',
        'drivers/udev',
      ]) {
        cpSync(item, join(src, item), { recursive: true });
      }
      mkdirSync(join(src, 'dist/.v8-cache'), { recursive: true });
      writeFileSync(join(src, 'dist/.v8-cache/qrgate.cjs.0123456789abcdef.0123456789abcdef.v8cache'), 'planted');
      spawnSync('chown', ['-R', '1000:1000', src]);
      spawnSync('chmod', ['-R', 'go+w', src]);
      const root = tempDir('qrgate-root-');
      const r = spawnSync('bash', [join(src, 'scripts/install.sh'), '--root', root], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      const app = join(root, 'opt/qrgate');
      const bad: string[] = [];
      const walk = (p: string): void => {
        const st = lstatSync(p);
        if (st.uid !== 0 || st.gid !== 0 || (!st.isSymbolicLink() && (st.mode & 0o022) !== 0))
          bad.push(`${p} ${st.uid}:${st.gid} ${(st.mode & 0o777).toString(8)}`);
        if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
      };
      walk(app);
      expect(bad).toEqual([]);
      expect(existsSync(join(app, 'dist/.v8-cache'))).toBe(false);
      expect(statSync(join(app, 'bin/qrgate.js')).mode & 0o111).not.toBe(0);
      expect(statSync(join(root, 'etc/qrgate/config.yaml')).uid).toBe(0);
    },
  );

  it('refuses unknown options with exit 2', () => {
    expect(install(['--frobnicate']).status).toBe(2);
  });
});

describe('scripts/install.sh --central', () => {
  it('stages central: its user, configuration, state folder, both units and the command, and no udev rule or kiosk unit', () => {
    const root = tempDir('qrgate-root-');
    const r = install(['--central', '--root', root]);
    expect(r.status).toBe(0);
    expect(existsSync(join(root, 'opt/qrgate/dist/src/cli/main.js'))).toBe(true);
    expect(readlinkSync(join(root, 'usr/local/bin/qrgate'))).toBe('/opt/qrgate/bin/qrgate.js');
    expect(readFileSync(join(root, 'etc/qrgate/central.yaml'), 'utf8')).toBe(readFileSync('config/central.example.yaml', 'utf8'));
    expect(statSync(join(root, 'etc/qrgate/central.yaml')).mode & 0o777).toBe(0o640);
    expect(statSync(join(root, 'etc/qrgate')).mode & 0o777).toBe(0o755);
    expect(statSync(join(root, 'var/lib/qrgate-central')).mode & 0o777).toBe(0o750);
    expect(readFileSync(join(root, 'etc/systemd/system/qrgate-central.service'), 'utf8')).toContain(
      'ExecStart=/usr/bin/node /opt/qrgate/bin/qrgate.js central run --config /etc/qrgate/central.yaml',
    );
    expect(readFileSync(join(root, 'etc/systemd/system/qrgate-central@.service'), 'utf8')).toContain(
      'ExecStart=/usr/bin/node /opt/qrgate/bin/qrgate.js central run --config /etc/qrgate/central-%i.yaml',
    );
    for (const absent of [
      'etc/udev/rules.d/99-qrgate.rules',
      'etc/systemd/system/qrgate.service',
      'etc/qrgate/config.yaml',
      'var/lib/qrgate',
    ])
      expect(existsSync(join(root, absent))).toBe(false);
    expect(r.out).toMatch(
      /skipped \(--root\): useradd .*--home-dir \/var\/lib\/qrgate-central .*qrgate-central|user: qrgate-central exists/,
    );
    expect(r.out).toContain('skipped: enable and start');
    expect(r.out).not.toMatch(/^\+ (apt-get|useradd|systemctl)/m);
  });

  it('installs an example central refuses until its listener has TLS (or listens on loopback), and accepts once it has', async () => {
    const root = tempDir('qrgate-root-');
    expect(install(['--central', '--root', root]).status).toBe(0);
    const file = join(root, 'etc/qrgate/central.yaml');
    const refused = await runCli(['central', 'run', '--check', '--config', file]);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('broker.listen.host');
    expect(refused.stderr).toContain('plain MQTT on 0.0.0.0');
    expect(refused.stderr.match(/^\s+- /gm)).toHaveLength(1);
    writeFileSync(file, readFileSync(file, 'utf8').replace('    # tls: {', '    tls: {'));
    expect(await runCli(['central', 'run', '--check', '--config', file])).toMatchObject({ code: 0 });
  });

  it('prints the plan with --dry-run: the qrgate-central user, both units, no udev rule, no start before the check', () => {
    const plan = install(['--central', '--dry-run', '--prefix', '/opt/qg-test']).out;
    expect(plan).toMatch(
      /would: useradd --system --user-group --home-dir \/var\/lib\/qrgate-central --no-create-home --shell \/usr\/sbin\/nologin qrgate-central/,
    );
    expect(plan).toMatch(/would: install -m 0640 \S*\/config\/central\.example\.yaml \/etc\/qrgate\/central\.yaml/);
    expect(plan).toContain('would: chown root:qrgate-central /etc/qrgate/central.yaml');
    expect(plan).toContain('would: chown qrgate-central:qrgate-central /var/lib/qrgate-central');
    expect(plan).toContain(
      'would: write /etc/systemd/system/qrgate-central.service from systemd/qrgate-central.service with /opt/qrgate replaced by /opt/qg-test',
    );
    expect(plan).toContain(
      'would: write /etc/systemd/system/qrgate-central@.service from systemd/qrgate-central@.service with /opt/qrgate replaced by /opt/qg-test',
    );
    expect(plan).toContain('would: systemctl try-restart qrgate-central@*.service');
    expect(plan).not.toContain('/etc/udev/rules.d');
    expect(plan).not.toContain('udevadm');
    expect(plan).not.toContain('dialout');
    expect(plan).not.toMatch(/^\+ /m);
    expect(existsSync('/opt/qg-test')).toBe(false);
  });

  it('uninstalls central but keeps what the kiosk daemon beside it uses, and --purge removes only central’s files', () => {
    const root = tempDir('qrgate-root-');
    expect(install(['--root', root]).status).toBe(0);
    expect(install(['--central', '--root', root]).status).toBe(0);
    writeFileSync(join(root, 'var/lib/qrgate-central/central.db'), 'data');
    writeFileSync(join(root, 'etc/qrgate/central-2.yaml'), 'broker: {}\n');
    const keep = install(['--central', '--root', root, '--uninstall']);
    expect(keep.status).toBe(0);
    expect(existsSync(join(root, 'etc/systemd/system/qrgate-central.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/systemd/system/qrgate-central@.service'))).toBe(false);
    expect(existsSync(join(root, 'opt/qrgate/bin/qrgate.js'))).toBe(true);
    expect(readlinkSync(join(root, 'usr/local/bin/qrgate'))).toBe('/opt/qrgate/bin/qrgate.js');
    expect(existsSync(join(root, 'var/lib/qrgate-central/central.db'))).toBe(true);
    expect(existsSync(join(root, 'etc/qrgate/central.yaml'))).toBe(true);
    expect(install(['--central', '--root', root, '--uninstall', '--purge']).status).toBe(0);
    for (const gone of ['var/lib/qrgate-central', 'etc/qrgate/central.yaml', 'etc/qrgate/central-2.yaml'])
      expect(existsSync(join(root, gone))).toBe(false);
    for (const kept of ['etc/qrgate/config.yaml', 'var/lib/qrgate', 'etc/systemd/system/qrgate.service'])
      expect(existsSync(join(root, kept))).toBe(true);
    // Alone on its machine, central's uninstall takes the app and the command too.
    const alone = tempDir('qrgate-root-');
    expect(install(['--central', '--root', alone]).status).toBe(0);
    expect(install(['--central', '--root', alone, '--uninstall', '--purge']).status).toBe(0);
    // lstat: the command is a symbolic link to /opt/qrgate, outside the staging root.
    const present = (p: string): boolean => lstatSync(join(alone, p), { throwIfNoEntry: false }) !== undefined;
    expect(['opt/qrgate', 'usr/local/bin/qrgate', 'etc/qrgate', 'var/lib/qrgate-central'].filter(present)).toEqual([]);
  });
});
