import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ptyFixture } from '../helpers/pty.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { LiveCli, mode, passwordBroker, PASSWORD, read } from './helpers.js';

const pty = ptyFixture();

/** The technician's laptop: `--make-qr --text` with the broker password on standard input. */
async function makeQr(keyFile: string, url: string, expires = '1h'): Promise<string> {
  const args = [
    'provision',
    '--make-qr',
    '--text',
    '--key-file',
    keyFile,
    '--site',
    'hanoi-hq',
    '--device-id',
    'cong-1',
    '--mqtt-url',
    url,
    '--mqtt-username',
    'cong-1',
    '--mqtt-password-stdin',
    '--expires',
    expires,
  ];
  const run = await runCli(args, `${PASSWORD}\n`);
  expect(run.code).toBe(0);
  expect(run.stderr).toContain('Provisioning QR for device "cong-1" at site "hanoi-hq"');
  expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  return run.stdout.trim();
}

async function newKey(dir: string, name = 'enrolment.key'): Promise<string> {
  const file = join(dir, name);
  const run = await runCli(['provision', '--make-key', '--key-file', file]);
  expect(run.code).toBe(0);
  expect(mode(file)).toBe('600');
  return file;
}

function kiosk(dir: string, keyFile: string, scanner: string, timeout = '30s'): LiveCli {
  return new LiveCli([
    'provision',
    '--from-scan',
    '--config',
    join(dir, 'etc', 'config.yaml'),
    '--key-file',
    keyFile,
    '--state-dir',
    join(dir, 'state'),
    '--scanner-path',
    scanner,
    '--timeout',
    timeout,
  ]);
}

describe('scan-to-provision through a pty scanner', () => {
  it('ignores other scans, refuses an expired QR, then configures itself from a valid one', async () => {
    const dir = tempDir();
    const broker = await passwordBroker(dir);
    const key = await newKey(dir);
    const expired = await makeQr(key, broker.url, '1s');
    const good = await makeQr(key, broker.url);
    const pair = await pty();
    const cli = kiosk(dir, key, pair.scannerPath);
    await cli.waitFor('Provisioning mode (enrolment key');

    let mark = cli.output.length;
    await pair.write('079305001234|Nguyễn Văn A|01012005|Nam|Hà Nội|01012021\r');
    await cli.waitFor('Ignored a scan on gate: not a provisioning QR (nothing was recorded).', 10_000, mark);
    await new Promise((r) => setTimeout(r, 1100)); // let the 1 s QR expire

    mark = cli.output.length;
    await pair.write(`${expired}\r`);
    await cli.waitFor('E_PROVISION_EXPIRED', 10_000, mark);

    await pair.write(`${good}\r`);
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toContain(`Provisioning QR accepted: device cong-1 at site hanoi-hq, broker ${broker.url}`);
    expect(cli.stdout).toMatch(/✓ broker: connected/);
    expect(cli.output).not.toContain(PASSWORD);
    expect(cli.output).not.toContain('079305001234');

    const config = join(dir, 'etc', 'config.yaml');
    const loaded = loadConfig(config, {}).config;
    expect(loaded.device).toEqual({ id: 'cong-1', site: 'hanoi-hq' });
    expect(loaded.mqtt).toMatchObject({ url: broker.url, username: 'cong-1', passwordFile: join(dir, 'etc', 'mqtt-password') });
    expect(loaded.scanners).toMatchObject([{ id: 'gate', type: 'serial', path: pair.scannerPath }]);
    expect(read(join(dir, 'etc', 'mqtt-password'))).toBe(`${PASSWORD}\n`);
    expect(mode(join(dir, 'etc', 'mqtt-password'))).toBe('600');
    expect(read(config)).not.toContain(PASSWORD);
  });

  it('refuses the same QR a second time on the same kiosk (E_PROVISION_USED) and changes nothing', async () => {
    const dir = tempDir();
    const broker = await passwordBroker(dir);
    const key = await newKey(dir);
    const qr = await makeQr(key, broker.url);
    const pair = await pty();
    const first = kiosk(dir, key, pair.scannerPath);
    await first.waitFor('Provisioning mode');
    await pair.write(`${qr}\r`);
    expect(await first.exited).toBe(0);
    const config = read(join(dir, 'etc', 'config.yaml'));

    const second = kiosk(dir, key, pair.scannerPath, '4s');
    await second.waitFor('Provisioning mode');
    await pair.write(`${qr}\r`);
    await second.waitFor('E_PROVISION_USED');
    expect(await second.exited).toBe(1);
    expect(second.stderr).toContain('E_PROVISION_TIMEOUT');
    expect(read(join(dir, 'etc', 'config.yaml'))).toBe(config);
  });

  it('refuses a QR made with another enrolment key, naming both key ids', async () => {
    const dir = tempDir();
    const kioskKey = await newKey(dir);
    const laptopKey = await newKey(dir, 'other.key');
    const qr = await makeQr(laptopKey, 'mqtt://127.0.0.1:1');
    const pair = await pty();
    const cli = kiosk(dir, kioskKey, pair.scannerPath, '4s');
    await cli.waitFor('Provisioning mode');
    await pair.write(`${qr}\r`);
    await cli.waitFor(
      /E_PROVISION_INVALID: not a valid provisioning QR: it was made with enrolment key [0-9a-f]{8}, this kiosk has key [0-9a-f]{8}/,
    );
    expect(await cli.exited).toBe(1);
    expect(read(join(dir, 'etc', 'config.yaml'))).toBeNull();
  });

  it('needs the enrolment key before it listens', async () => {
    const dir = tempDir();
    const run = await runCli([
      'provision',
      '--from-scan',
      '--config',
      join(dir, 'config.yaml'),
      '--key-file',
      join(dir, 'missing.key'),
      '--scanner-path',
      '/dev/null',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/E_PROVISION_KEY: cannot read the enrolment key .*missing\.key: ENOENT \(make one with/);
  });
});

describe('--make-qr', () => {
  it('writes a PNG (mode 0600) and draws the QR in the terminal with its expiry', async () => {
    const dir = tempDir();
    const key = await newKey(dir);
    const png = join(dir, 'cong-1.png');
    const run = await runCli([
      'provision',
      '--make-qr',
      '--key-file',
      key,
      '--site',
      'hanoi-hq',
      '--device-id',
      'cong-1',
      '--mqtt-url',
      'mqtts://broker.example:8883',
      '--out',
      png,
      '--expires',
      '2h',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('▄'); // the terminal rendering
    expect(run.stdout).toMatch(/expires: {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d/);
    expect(run.stdout).toContain(`PNG:      ${png} (mode 0600)`);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(mode(png)).toBe('600');
  });

  it('refuses a lifetime above 30 days and a missing site as usage errors', async () => {
    const dir = tempDir();
    const key = await newKey(dir);
    const long = await runCli([
      'provision',
      '--make-qr',
      '--key-file',
      key,
      '--site',
      's',
      '--device-id',
      'd',
      '--mqtt-url',
      'mqtt://b',
      '--expires',
      '60d',
    ]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('E_PROVISION_INVALID: --expires "60d"');
    const missing = await runCli(['provision', '--make-qr', '--key-file', key, '--device-id', 'd', '--mqtt-url', 'mqtt://b']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--make-qr needs --site');
  });
});

describe('scan-to-provision when the broker check fails', () => {
  it('keeps waiting and does not use the QR up, so it can be scanned again once the network is fixed', async () => {
    const dir = tempDir();
    const key = await newKey(dir);
    const qr = await makeQr(key, 'mqtt://127.0.0.1:1');
    const pair = await pty();
    const cli = new LiveCli([
      'provision',
      '--from-scan',
      '--config',
      join(dir, 'config.yaml'),
      '--key-file',
      key,
      '--state-dir',
      join(dir, 'state'),
      '--scanner-path',
      pair.scannerPath,
      '--timeout',
      '8s',
      '--check-timeout',
      '2',
    ]);
    await cli.waitFor('Provisioning mode');
    await pair.write(`${qr}\r`);
    await cli.waitFor(/E_PROVISION_CHECK: broker check failed: E_MQTT_UNREACHABLE[\s\S]*it was not used up/);
    expect(await cli.exited).toBe(1);
    expect(cli.stdout.match(/Provisioning mode/g)).toHaveLength(2); // listening again after the failed check
    expect(cli.stderr).toContain('E_PROVISION_TIMEOUT');
    expect(read(join(dir, 'config.yaml'))).toBeNull();
    expect(read(join(dir, 'state', 'provision-used-nonces'))).toBeNull();
  });
});
