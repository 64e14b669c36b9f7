/**
 * Interactive provisioning driven through a real pseudo-terminal: `script` gives the command a tty (so readline
 * runs in terminal mode and the password is read without echo) and relays what the test types.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { PtyPair, requireSocat } from '../helpers/pty.js';
import { buildFakeTree } from '../fixtures/fake-sysfs.js';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { mode, passwordBroker, PASSWORD, read } from './helpers.js';

class Terminal {
  readonly child: ChildProcess;
  screen = '';
  readonly exited: Promise<number | null>;
  private seen = 0;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.screen += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.screen += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Waits for `prompt` after what was already answered, then types `answer` and Enter (CR, as a keyboard does). */
  async answer(prompt: string, answer: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const at = this.screen.indexOf(prompt, this.seen);
      if (at !== -1) {
        this.seen = at + prompt.length;
        break;
      }
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`no prompt "${prompt}":\n${this.screen}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    this.child.stdin?.write(`${answer}\r`);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

const terminals: Terminal[] = [];
const pairs: PtyPair[] = [];
beforeAll(() => {
  requireSocat();
  if (spawnSync('script', ['--version']).status !== 0) throw new Error('`script` (util-linux) is needed to drive a command through a pty');
});
afterEach(async () => {
  terminals.splice(0).forEach((t) => t.kill());
  await Promise.all(pairs.splice(0).map((p) => p.dispose()));
});

describe('qrgate provision on a terminal', () => {
  it('asks each value, re-asks a bad one, offers discovered scanners, hides the password, confirms, saves', async () => {
    const dir = tempDir();
    const broker = await passwordBroker(dir);
    const pair = new PtyPair();
    pairs.push(pair);
    await pair.start();
    const tree = buildFakeTree();
    const config = join(dir, 'config.yaml');
    const t = new Terminal(['provision', '--config', config], { QRGATE_SYSFS_ROOT: tree.sysfs, QRGATE_DEV_ROOT: tree.dev });
    terminals.push(t);
    try {
      await t.answer('Device id', 'cổng 1');
      await t.answer('device id: letters, digits', 'cong-1');
      await t.answer('Site', 'hanoi-hq');
      await t.answer('Central broker URL', broker.url);
      await t.answer('Broker user name', 'cong-1');
      await t.answer('Broker password (not shown', PASSWORD);
      await t.answer('Scanner: a number from the list', pair.scannerPath);
      await t.answer('Test the scanner with a scan before saving? [y/N]', '');
      await t.answer('Save these changes? [Y/n]', 'y');
      expect(await t.exited).toBe(0);
    } finally {
      rmSync(tree.root, { recursive: true, force: true });
    }
    expect(t.screen).toContain('Scanners found:');
    expect(t.screen).toMatch(/1\) \S+\/dev\/serial\/by-id\/\S+ +\(.*Xenon 1900, serial\)/);
    expect(t.screen).toContain('+ device.id: cong-1');
    expect(t.screen).toContain('mqtt password (in ');
    expect(t.screen).toContain('✓ broker: connected');
    expect(t.screen).toContain(`✓ scanner gate: serial scanner "gate" at ${pair.scannerPath} opened`);
    expect(t.screen).toContain(`Saved ${config}`);
    expect(t.screen).not.toContain(PASSWORD); // not echoed, not printed
    const loaded = loadConfig(config, {}).config;
    expect(loaded.device).toEqual({ id: 'cong-1', site: 'hanoi-hq' });
    expect(loaded.mqtt).toMatchObject({ url: broker.url, username: 'cong-1', passwordFile: join(dir, 'mqtt-password') });
    expect(loaded.scanners).toMatchObject([{ id: 'gate', type: 'serial', path: pair.scannerPath }]);
    expect(read(join(dir, 'mqtt-password'))).toBe(`${PASSWORD}\n`);
    expect(mode(join(dir, 'mqtt-password'))).toBe('600');
  });

  it('offers the current values, and saves nothing when the technician declines', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const first = spawnSync(
      process.execPath,
      [BIN, 'provision', '--config', config, '--device-id', 'cong-1', '--site', 'hanoi-hq', '--no-check'],
      { encoding: 'utf8' },
    );
    expect(first.status).toBe(0);
    const before = read(config);
    const tree = buildFakeTree({ empty: true });
    const t = new Terminal(['provision', '--config', config, '--no-check'], { QRGATE_SYSFS_ROOT: tree.sysfs, QRGATE_DEV_ROOT: tree.dev });
    terminals.push(t);
    try {
      await t.answer('Device id (this kiosk’s name, e.g. cong-1) [cong-1]', '');
      await t.answer('Site (the office or building, e.g. hanoi-hq) [hanoi-hq]', 'hcm-q1');
      await t.answer('Central broker URL', '-');
      await t.answer('No scanner found', '');
      await t.answer('Test the scanner', 'n');
      await t.answer('Save these changes? [Y/n]', 'n');
      expect(await t.exited).toBe(1);
    } finally {
      rmSync(tree.root, { recursive: true, force: true });
    }
    expect(t.screen).toContain('~ device.site: hanoi-hq → hcm-q1');
    expect(t.screen).toContain('Not saved.');
    expect(read(config)).toBe(before);
  });

  it('asks in Vietnamese with a Vietnamese locale (or --lang vi), checking answers in Vietnamese too', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const tree = buildFakeTree({ empty: true });
    const t = new Terminal(['provision', '--config', config, '--no-check'], {
      QRGATE_SYSFS_ROOT: tree.sysfs,
      QRGATE_DEV_ROOT: tree.dev,
      LANG: 'vi_VN.UTF-8',
      LC_ALL: '',
      LC_MESSAGES: '',
    });
    terminals.push(t);
    try {
      // The introduction is no question: typing Enter at it would answer the first prompt before it is asked.
      await t.answer('Mã kiosk (tên của kiosk này, ví dụ cong-1)', 'cổng 1');
      await t.answer('mã kiosk: chỉ gồm chữ không dấu', 'cong-1');
      await t.answer('Địa điểm (cơ quan hoặc tòa nhà', 'hanoi-hq');
      await t.answer('Địa chỉ máy chủ trung tâm', '-');
      await t.answer('Không tìm thấy máy quét', '');
      await t.answer('Quét thử một mã trước khi lưu? [y/N]', 'n');
      await t.answer('Lưu các thay đổi này? [Y/n]', 'y');
      expect(await t.exited).toBe(0);
    } finally {
      rmSync(tree.root, { recursive: true, force: true });
    }
    expect(t.screen).not.toContain('Device id');
    expect(loadConfig(config, {}).config.device).toEqual({ id: 'cong-1', site: 'hanoi-hq' });
  });
});
