import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { mode, passwordBroker, PASSWORD, read } from './helpers.js';

const EXISTING = `# Kiosk at the main gate. Ask Lan before changing anything.
device:
  id: old-id # renamed in 2026
  site: hanoi-hq
store:
  retentionDays: 30 # legal asked for a month
mqtt:
  url: mqtt://old-broker.example:1883
`;

function flags(config: string, url: string, extra: string[] = []): string[] {
  return [
    'provision',
    '--config',
    config,
    '--device-id',
    'cong-1',
    '--site',
    'hanoi-hq',
    '--mqtt-url',
    url,
    '--mqtt-username',
    'cong-1',
    '--mqtt-password-stdin',
    ...extra,
  ];
}

describe('qrgate provision from flags, against a real Mosquitto', () => {
  it('writes a config that loads, a 0600 password file, prints each change and never the password', async () => {
    const dir = tempDir();
    const broker = await passwordBroker(dir);
    const config = join(dir, 'etc', 'config.yaml');
    const run = await runCli(flags(config, broker.url), `${PASSWORD}\n`);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Creating ${config}`);
    expect(run.stdout).toContain('+ device.id: cong-1');
    expect(run.stdout).toContain('+ device.site: hanoi-hq');
    expect(run.stdout).toContain(`+ mqtt.url: ${broker.url}`);
    expect(run.stdout).toContain(`+ mqtt.passwordFile: ${join(dir, 'etc', 'mqtt-password')}`);
    expect(run.stdout).toMatch(/✓ broker: connected to .* as cong-1/);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    const { config: loaded } = loadConfig(config, {});
    expect(loaded.device).toEqual({ id: 'cong-1', site: 'hanoi-hq' });
    expect(loaded.mqtt).toMatchObject({ url: broker.url, username: 'cong-1', passwordFile: join(dir, 'etc', 'mqtt-password') });
    expect(mode(config)).toBe('640');
    expect(read(config)).not.toContain(PASSWORD);
    expect(mode(join(dir, 'etc', 'mqtt-password'))).toBe('600');
    expect(read(join(dir, 'etc', 'mqtt-password'))).toBe(`${PASSWORD}\n`);
  });

  it('edits an existing file in place: comments and other keys kept, a backup made, changes shown as before → after', async () => {
    const dir = tempDir();
    const broker = await passwordBroker(dir);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, EXISTING);
    const run = await runCli(flags(config, broker.url), `${PASSWORD}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('~ device.id: old-id → cong-1');
    expect(run.stdout).toContain(`~ mqtt.url: mqtt://old-broker.example:1883 → ${broker.url}`);
    expect(run.stdout).not.toContain('device.site'); // unchanged keys are not listed
    const text = read(config) ?? '';
    expect(text).toContain('# Kiosk at the main gate. Ask Lan before changing anything.');
    expect(text).toContain('# renamed in 2026');
    expect(text).toContain('retentionDays: 30 # legal asked for a month');
    const backups = readdirSync(dir).filter((f) => /^config\.yaml\.\d{8}T\d{6}Z\.bak$/.test(f));
    expect(backups).toHaveLength(1);
    expect(read(join(dir, backups[0] as string))).toBe(EXISTING);
    expect(run.stdout).toContain(`previous version kept as ${join(dir, backups[0] as string)}`);
    expect(loadConfig(config, {}).config.store.retentionDays).toBe(30);
  });

  it('refuses to save when the broker refuses the password (E_MQTT_AUTH), and writes nothing', async () => {
    const dir = tempDir();
    const broker = await passwordBroker(dir);
    const config = join(dir, 'config.yaml');
    writeFileSync(config, EXISTING);
    const run = await runCli(flags(config, broker.url), 'not the password\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('E_PROVISION_CHECK');
    expect(run.stderr).toContain('E_MQTT_AUTH');
    expect(run.stdout + run.stderr).not.toContain('not the password');
    expect(read(config)).toBe(EXISTING);
    expect(read(join(dir, 'mqtt-password'))).toBeNull();
    expect(readdirSync(dir).filter((f) => f.includes('.bak') || f.includes('.tmp'))).toEqual([]);
  });

  it('refuses to save when nothing listens at the URL (E_MQTT_UNREACHABLE)', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const run = await runCli(flags(config, `mqtt://127.0.0.1:${await freePort()}`, ['--check-timeout', '3']), `${PASSWORD}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E_PROVISION_CHECK: broker check failed: E_MQTT_UNREACHABLE/);
    expect(read(config)).toBeNull();
  });

  it('with --no-check saves without a broker; with --dry-run checks and saves nothing', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const dry = await runCli(flags(config, url, ['--dry-run', '--no-check']), `${PASSWORD}\n`);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: nothing was saved.');
    expect(readdirSync(dir)).toEqual([]);
    const saved = await runCli(flags(config, url, ['--no-check']), `${PASSWORD}\n`);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('Checks skipped (--no-check).');
    expect(loadConfig(config, {}).config.mqtt.url).toBe(url);
  });

  it('says there is nothing to change when run twice with the same flags', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const args = ['provision', '--config', config, '--device-id', 'cong-1', '--site', 'hanoi-hq', '--no-check'];
    expect((await runCli(args)).code).toBe(0);
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No change to the configuration.');
    expect(again.stdout).toContain('Nothing to save.');
    expect(readdirSync(dir).filter((f) => f.endsWith('.bak'))).toEqual([]);
  });

  it('reports an invalid value by its key (E_PROVISION_CONFIG), and a missing required flag as a usage error', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const bad = await runCli(['provision', '--config', config, '--device-id', 'cổng 1', '--site', 'hanoi-hq', '--no-check']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('E_PROVISION_CONFIG');
    expect(bad.stderr).toContain('device.id');
    const missing = await runCli(['provision', '--config', config, '--device-id', 'cong-1', '--no-check']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --site');
    expect(read(config)).toBeNull();
  });

  it('refuses a TLS file that does not exist before contacting anything', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const run = await runCli([
      'provision',
      '--config',
      config,
      '--device-id',
      'cong-1',
      '--site',
      'hanoi-hq',
      '--mqtt-url',
      'mqtts://127.0.0.1:1',
      '--mqtt-ca',
      join(dir, 'nope.crt'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E_PROVISION_CONFIG: mqtt\.ca: cannot read .*nope\.crt/);
  });
});
