import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ptyFixture } from '../helpers/pty.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { LiveCli, read } from './helpers.js';

const pty = ptyFixture();

const base = (config: string): string[] => ['provision', '--config', config, '--device-id', 'cong-1', '--site', 'hanoi-hq'];

describe('the scanner check before saving', () => {
  it('opens the scanner given by path and adds it to the config', async () => {
    const pair = await pty();
    const config = join(tempDir(), 'config.yaml');
    const run = await runCli([...base(config), '--scanner-path', pair.scannerPath]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`+ scanners[0]: {"id":"gate","type":"serial","path":"${pair.scannerPath}"}`);
    expect(run.stdout).toContain(`✓ scanner gate: serial scanner "gate" at ${pair.scannerPath} opened`);
    expect(loadConfig(config, {}).config.scanners).toMatchObject([{ id: 'gate', type: 'serial', path: pair.scannerPath }]);
  });

  it('refuses to save a scanner that is not there', async () => {
    const config = join(tempDir(), 'config.yaml');
    const run = await runCli([...base(config), '--scanner-path', '/dev/serial/by-id/usb-not-plugged-in']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /E_PROVISION_CHECK: scanner check failed: E_[A-Z_]+: serial scanner "gate" at \/dev\/serial\/by-id\/usb-not-plugged-in cannot be opened/,
    );
    expect(read(config)).toBeNull();
  });

  it('with --test-scan waits for a scan and says what it was, without printing its content', async () => {
    const pair = await pty();
    const config = join(tempDir(), 'config.yaml');
    const cli = new LiveCli([...base(config), '--scanner-path', pair.scannerPath, '--test-scan']);
    await cli.waitFor('Scan any QR with serial scanner "gate"');
    await pair.write('079305001234\r');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toMatch(/✓ scanner gate: test scan received \(12 bytes, read as id-number\)/);
    expect(cli.output).not.toContain('079305001234');
    expect(read(config)).toContain(pair.scannerPath);
  });
});
