import { X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/doctor/check.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { makePki } from '../helpers/certs.js';
import { testClock } from '../helpers/clock.js';
import { runCli } from '../helpers/cli.js';
import { writeConfig } from '../helpers/daemon.js';
import { freePort, Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { PtyPair, requireSocat } from '../helpers/pty.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Setup {
  dir: string;
  broker: Mosquitto;
  scanner: string;
  udevRule: string;
  config(over?: Record<string, unknown>): string;
}

async function healthy(): Promise<Setup> {
  requireSocat();
  const dir = tempDir('qrgate-doctor-');
  const broker = await Mosquitto.start(dir);
  cleanups.push(() => broker.down());
  const pty = new PtyPair();
  await pty.start();
  cleanups.push(() => pty.dispose());
  const udevRule = join(dir, '99-qrgate.rules');
  writeFileSync(udevRule, '# test\n');
  return {
    dir,
    broker,
    scanner: pty.scannerPath,
    udevRule,
    config: (over = {}) =>
      writeConfig(dir, {
        device: { id: 'kiosk-7', site: 'hq' },
        scanners: [{ id: 'gate', type: 'serial', path: pty.scannerPath }],
        mqtt: { url: broker.url },
        ...over,
      }),
  };
}

const byCheck = (findings: Finding[], check: string): Finding | undefined => findings.find((f) => f.check === check);

describe('qrgate doctor', () => {
  it('finds nothing wrong on a healthy kiosk', async () => {
    const s = await healthy();
    const findings = await runDoctor({ configFile: s.config(), udevRule: s.udevRule, clock: testClock() });
    expect(findings.filter((f) => f.verdict !== 'ok')).toEqual([]);
    expect(findings.map((f) => f.check)).toEqual([
      'config',
      'store folder',
      'disk space',
      'store integrity',
      'key file',
      'clock',
      'presence',
      'scanner gate',
      'broker',
    ]);
  });

  it('exits 0 as a real process when all is well, and prints a fix for each warning', async () => {
    const s = await healthy();
    const run = await runCli(['doctor', '--config', s.config()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ok\s+broker\s+mqtt:\/\/127\.0\.0\.1:\d+ accepts this kiosk \(MQTT 5\)/);
    // The udev rule is not installed on this test machine: a warning, with its fix.
    expect(run.stdout).toMatch(/WARN\s+udev rule[\s\S]*fix: install it/);
  });

  it('exits 1 with --strict when there are warnings', async () => {
    const s = await healthy();
    const run = await runCli([
      'doctor',
      '--strict',
      '--config',
      s.config({ clock: { synced: 'auto', markerFile: join(s.dir, 'no-such-marker') } }),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/WARN\s+clock\s+not synchronised/);
  });

  it('explains an invalid config and checks nothing else', async () => {
    const dir = tempDir();
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'device:\n  id: kiosk 7\n');
    const run = await runCli(['doctor', '--json', '--config', file]);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout) as Finding[];
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'config', verdict: 'fail', code: 'E_CONFIG' });
    expect(findings[0]?.message).toContain('device.id');
    expect(findings[0]?.message).toContain('device.site (line 1, column 1): required');
    expect(findings[0]?.fix).toContain('qrgate run --check');
  });

  it('says how to write a missing config file, not "fix the listed keys"', async () => {
    const file = join(tempDir(), 'none.yaml');
    const run = await runCli(['doctor', '--json', '--config', file]);
    expect(run.code).toBe(1);
    const [finding] = JSON.parse(run.stdout) as Finding[];
    expect(finding).toMatchObject({ check: 'config', verdict: 'fail', code: 'E_CONFIG' });
    expect(finding?.message).toBe(`${file}: cannot be read: file not found`);
    expect(finding?.fix).toContain(`qrgate provision --config ${file}`);
    expect(finding?.fix).not.toContain('listed keys');
  });

  it.each([
    [
      'a missing scanner',
      (s: Setup) => s.config({ scanners: [{ id: 'gate', type: 'serial', path: join(s.dir, 'ttyACM9') }] }),
      'scanner gate',
      'E_DEVICE_GONE',
    ],
    [
      'an unreachable broker',
      async (s: Setup) => s.config({ mqtt: { url: `mqtt://127.0.0.1:${await freePort()}` } }),
      'broker',
      'E_MQTT_UNREACHABLE',
    ],
    [
      'an unreadable password file',
      (s: Setup) => s.config({ mqtt: { url: s.broker.url, username: 'k', passwordFile: join(s.dir, 'nope') } }),
      'broker',
      'E_MQTT_FILE',
    ],
    [
      'a store folder that cannot exist',
      (s: Setup) => {
        writeFileSync(join(s.dir, 'a-file'), '');
        return s.config({ store: { path: join(s.dir, 'a-file', 'qrgate.db'), keyFile: join(s.dir, 'k') } });
      },
      'store folder',
      undefined,
    ],
    [
      'a corrupt database',
      (s: Setup) => {
        writeFileSync(join(s.dir, 'qrgate.db'), Buffer.alloc(4096, 0x41));
        return s.config();
      },
      'store integrity',
      'E_STORE_CORRUPT',
    ],
    [
      'a key file other users can read',
      (s: Setup) => {
        writeFileSync(join(s.dir, 'store.key'), Buffer.alloc(32, 1));
        chmodSync(join(s.dir, 'store.key'), 0o644);
        return s.config();
      },
      'key file',
      'W_KEY_PERMISSIONS',
    ],
    [
      'a certificate that is not one',
      (s: Setup) => {
        writeFileSync(join(s.dir, 'ca.pem'), 'not a certificate');
        return s.config({ mqtt: { url: s.broker.url, ca: join(s.dir, 'ca.pem') } });
      },
      'certificate mqtt.ca',
      'E_MQTT_FILE',
    ],
  ])('fails on %s, with a fix', async (_what, make, check, code) => {
    const s = await healthy();
    const file = await make(s);
    const run = await runCli(['doctor', '--json', '--config', file]);
    expect(run.code).toBe(1);
    const finding = byCheck(JSON.parse(run.stdout) as Finding[], check);
    expect(finding).toMatchObject({ verdict: 'fail', ...(code === undefined ? {} : { code }) });
    expect(finding?.fix).toBeTruthy();
  });

  it('warns about a certificate that expires within 30 days', async () => {
    const s = await healthy();
    const pki = makePki(s.dir); // certificates valid for 2 days from openssl's now
    // Doctor judges the dates on the clock it is given: a day and a half before the CA's end.
    const clock = testClock(new Date(Date.parse(new X509Certificate(readFileSync(pki.ca)).validTo) - 36 * 3_600_000));
    const findings = await runDoctor({ configFile: s.config({ mqtt: { url: s.broker.url, ca: pki.ca } }), udevRule: s.udevRule, clock });
    expect(byCheck(findings, 'certificate mqtt.ca')).toMatchObject({
      verdict: 'warn',
      message: expect.stringMatching(/expires in [01] day/) as unknown,
    });
  });
});
