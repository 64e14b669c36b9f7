/** sd_notify for real: the daemon talks to a unix datagram socket, as systemd's NOTIFY_SOCKET, received by socat. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchdogInterval } from '../../src/systemd/notify.js';
import { Daemon, writeConfig } from '../helpers/daemon.js';
import { tempDir } from '../helpers/tmp.js';
import { requireSocat } from '../helpers/pty.js';

const stops: Array<() => void> = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
});

/** A NOTIFY_SOCKET: socat receives each datagram and writes it to its stdout. */
async function notifySocket(dir: string): Promise<{ path: string; received: () => string }> {
  requireSocat();
  const path = join(dir, 'notify.sock');
  const proc = spawn('socat', ['-u', `UNIX-RECVFROM:${path},fork`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += `${d}\n`));
  stops.push(() => proc.kill('SIGKILL'));
  const deadline = Date.now() + 5000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error('socat did not create the notify socket');
    await new Promise((r) => setTimeout(r, 10));
  }
  return { path, received: () => out };
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('sd_notify', () => {
  it('sends READY=1 once ready, WATCHDOG=1 at half the watchdog period, STOPPING=1 on SIGTERM', async () => {
    const dir = tempDir();
    const socket = await notifySocket(dir);
    const d = new Daemon(writeConfig(dir), { env: { NOTIFY_SOCKET: socket.path, WATCHDOG_USEC: '200000' } });
    stops.push(() => d.kill('SIGKILL'));
    await d.waitFor('ready');
    await until(() => socket.received().includes('READY=1'), 'READY=1');
    expect(socket.received()).toMatch(/STATUS=ready: 0 scanner\(s\), 0 pending/);
    await until(() => (socket.received().match(/WATCHDOG=1/g) ?? []).length >= 3, 'three watchdog pings');
    d.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    await until(() => socket.received().includes('STOPPING=1'), 'STOPPING=1');
    expect(socket.received().indexOf('READY=1')).toBeLessThan(socket.received().indexOf('WATCHDOG=1'));
  });

  it('sends nothing and needs nothing without NOTIFY_SOCKET', async () => {
    const dir = tempDir();
    const d = new Daemon(writeConfig(dir), { env: { NOTIFY_SOCKET: '' } });
    stops.push(() => d.kill('SIGKILL'));
    await d.waitFor('ready');
    d.kill('SIGTERM');
    expect((await d.exited).code).toBe(0);
    expect(d.lines.filter((l) => String(l.msg).includes('NOTIFY_SOCKET'))).toEqual([]);
  });

  it.each([
    [{ WATCHDOG_USEC: '30000000' }, 15_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: String(process.pid) }, 15_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '1' }, null],
    [{}, null],
    [{ WATCHDOG_USEC: 'x' }, null],
  ])('reads the watchdog period from %j', (env, expected) => {
    expect(watchdogInterval(env)).toBe(expected);
  });
});
