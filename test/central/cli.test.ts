/**
 * `qrgate central` as a real process (the bundle): --check and exit 78, `kiosk add` printing a password once and
 * storing only its hash, `user add` reading the password from standard input, and a real `central run` that a
 * kiosk with that password can connect to.
 */
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { afterThisTest } from '../helpers/after-test.js';
import { BIN, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

function centralConfig(dir: string, over: Record<string, unknown> = {}): string {
  const file = join(dir, 'central.yaml');
  writeFileSync(
    file,
    stringify({
      broker: { listen: { host: '127.0.0.1', port: 0 } },
      store: { path: join(dir, 'central.db'), keyFile: join(dir, 'central.key') },
      http: { port: 0 },
      ...over,
    }),
  );
  return file;
}

describe('qrgate central (CLI)', () => {
  it('validates a configuration with --check, and exits 78 listing every problem', async () => {
    const dir = tempDir();
    const ok = await runCli(['central', 'run', '--check', '--config', centralConfig(dir)]);
    expect(ok.code).toBe(0);
    const bad = await runCli([
      'central',
      'run',
      '--check',
      '--config',
      centralConfig(dir, { broker: { listen: { port: 'x' } }, fleet: { silentAfterMinutes: 0, timeZone: 'Mars/Olympus' }, nope: 1 }),
    ]);
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('broker.listen.port');
    expect(bad.stderr).toContain('fleet.silentAfterMinutes');
    expect(bad.stderr).toContain('fleet.timeZone');
    expect(bad.stderr).toContain('nope');
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
    const env = await runCli(['central', 'run', '--check', '--config', centralConfig(dir)], undefined, {
      QRGATE_CENTRAL_FLEET_SILENT_AFTER_MINUTES: 'soon',
    });
    expect(env.code).toBe(78);
    expect(env.stderr).toContain('QRGATE_CENTRAL_FLEET_SILENT_AFTER_MINUTES');
    expect((await runCli(['central', 'run', '--check', '--config', join(dir, 'missing.yaml')])).code).toBe(78);
  });

  it('adds a kiosk (password printed once, only a hash stored) and an operator from standard input', async () => {
    const dir = tempDir();
    const config = centralConfig(dir);
    const added = await runCli(['central', 'kiosk', 'add', 'hq', 'kiosk-7', '--config', config]);
    expect(added.code).toBe(0);
    const password = added.stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(added.stderr).toContain('hq/kiosk-7');
    const user = await runCli(['central', 'user', 'add', 'lan', '--role', 'tracer', '--config', config], 'a long passphrase\n');
    expect(user.code).toBe(0);
    expect((await runCli(['central', 'user', 'add', 'x', '--role', 'god', '--config', config], 'a long passphrase\n')).code).toBe(2);
    expect((await runCli(['central', 'user', 'add', 'y', '--role', 'viewer', '--config', config], 'short\n')).code).toBe(2);
    const db = new Database(join(dir, 'central.db'), { readonly: true });
    const kiosk = db.prepare('SELECT password_hash FROM kiosks').pluck().get() as string;
    const role = db.prepare("SELECT role FROM users WHERE name = 'lan'").pluck().get() as string;
    db.close();
    expect(kiosk).toMatch(/^hmac-sha256\$/);
    expect(kiosk).not.toContain(password);
    expect(role).toBe('tracer');

    // A real central run: the kiosk's user name and that password get in; a wrong one does not.
    const port = await freePort();
    writeFileSync(
      config,
      stringify({
        broker: { listen: { host: '127.0.0.1', port } },
        store: { path: join(dir, 'central.db'), keyFile: join(dir, 'central.key') },
        http: { port: 0 },
        log: { level: 'info' },
      }),
    );
    const child = spawn(process.execPath, [BIN, 'central', 'run', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    afterThisTest(() => child.kill('SIGKILL'));
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const deadline = performance.now() + 15_000;
    while (!out.includes('central ready') && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(out).toContain('central ready');
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      username: 'hq/kiosk-7',
      password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await client.endAsync();
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'hq/kiosk-7', password: 'nope', protocolVersion: 4, reconnectPeriod: 0 }),
    ).rejects.toThrow();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
