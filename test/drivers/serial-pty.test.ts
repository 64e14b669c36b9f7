/**
 * The serial driver against a real pseudo-terminal pair (socat): the same serialport code path a USB-CDC scanner
 * uses, with bytes written by the test to the other end.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SerialEntry } from '../../drivers/config.js';
import { SerialDriver } from '../../drivers/serial/serial-driver.js';
import { Recorder } from './helpers/events.js';
import { PtyPair, requireSocat } from '../helpers/pty.js';

const CCCD = '001190012345|012345678|Nguyễn Thị Mẫu|15031990|Nữ|Số 1 Đường Thử Nghiệm, Phường Mẫu, Quận Ví Dụ, Thành phố Hà Nội|20042021';
const CCCD_B = '048095000777||Trần Văn Thử|01011995|Nam|Tổ 5, Phường Mẫu, Quận Ví Dụ, Thành phố Đà Nẵng|10052022';
/**
 * How long a reattach may take before the test calls it lost: the driver polls every 2-500 ms, and what is proved is
 * that it reattaches by itself; how fast is the poll interval's business, and a busy machine stretches any wait.
 */
const REATTACH_MS = 10_000;

let pty: PtyPair | undefined;
let driver: SerialDriver | undefined;

beforeAll(() => requireSocat());

afterEach(async () => {
  await driver?.stop();
  driver = undefined;
  await pty?.dispose();
  pty = undefined;
});

async function setup(entry: Partial<SerialEntry> = {}): Promise<{ pty: PtyPair; driver: SerialDriver; rec: Recorder }> {
  pty = new PtyPair();
  await pty.start();
  driver = new SerialDriver({ id: 'gate-1', type: 'serial', path: pty.scannerPath, ...entry }, { pollMs: 100 });
  const rec = new Recorder(driver);
  await driver.start();
  expect(driver.state).toBe('connected');
  return { pty, driver, rec };
}

describe('serial driver over a real pty', () => {
  it.each([
    ['cr', '\r'],
    ['lf', '\n'],
    ['crlf', '\r\n'],
    ['auto', '\r'],
    ['auto', '\n'],
    ['auto', '\r\n'],
  ] as const)('terminator %s ends a scan on %j', async (terminator, suffix) => {
    const { pty, rec } = await setup({ terminator });
    await pty.write(`${CCCD}${suffix}${CCCD_B}${suffix}`);
    await rec.until(() => rec.frames.length >= 2, 'two frames');
    expect(rec.texts()).toEqual([CCCD, CCCD_B]);
    expect(rec.frames.every((f) => f.scannerId === 'gate-1' && f.receivedAt instanceof Date)).toBe(true);
  });

  it('terminator none ends a scan after idleMs of silence', async () => {
    const { pty, rec } = await setup({ terminator: 'none', idleMs: 60 });
    await pty.write(CCCD);
    await rec.until(() => rec.frames.length === 1, 'the idle flush');
    await pty.write(CCCD_B);
    await rec.until(() => rec.frames.length === 2, 'the second idle flush');
    expect(rec.texts()).toEqual([CCCD, CCCD_B]);
  });

  it('a scanner that sends no terminator still delivers its scan in cr mode (idle fallback)', async () => {
    const { pty, rec } = await setup({ terminator: 'cr', idleMs: 50 });
    await pty.write(CCCD);
    await rec.until(() => rec.frames.length === 1, 'the idle fallback');
    expect(rec.texts()).toEqual([CCCD]);
  });

  it('a scan split at every byte boundary, including inside multi-byte UTF-8 characters, arrives whole', async () => {
    const { pty, rec } = await setup({ terminator: 'auto', idleMs: 2000 });
    const bytes = Buffer.from(`${CCCD}\r\n`, 'utf8');
    // Every byte its own write, with a pause so each arrives as its own read on the driver side.
    for (let i = 0; i < bytes.length; i++) {
      await pty.write(bytes.subarray(i, i + 1));
      if (i % 16 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await rec.until(() => rec.frames.length === 1, 'the frame');
    expect(rec.texts()).toEqual([CCCD]);
    expect(Buffer.from(rec.frames[0]!.bytes).equals(Buffer.from(CCCD, 'utf8'))).toBe(true);
  });

  it('a scanner that sends AIM ids ("transmit AIM ID" on) delivers the payload without it, the id on frame.aim', async () => {
    const { pty, rec } = await setup({ terminator: 'cr' });
    await pty.write(`]Q1${CCCD}\r]Q1${CCCD_B}\r`);
    await rec.until(() => rec.frames.length >= 2, 'two frames');
    expect(rec.texts()).toEqual([CCCD, CCCD_B]);
    expect(rec.frames.map((f) => f.aim)).toEqual([']Q1', ']Q1']);
  });

  it('back-to-back scans in one write come out as separate frames, never an empty one', async () => {
    const { pty, rec } = await setup({ terminator: 'auto' });
    await pty.write(`${CCCD}\r\n${CCCD_B}\r\n\r\n${CCCD}\n`);
    await rec.until(() => rec.frames.length >= 3, 'three frames');
    await new Promise((r) => setTimeout(r, 150));
    expect(rec.texts()).toEqual([CCCD, CCCD_B, CCCD]);
  });

  it('10 MB without a terminator: memory bounded, every byte discarded with E_FRAME_TOO_LONG, and the next scan still arrives', async () => {
    const { pty, driver, rec } = await setup({ terminator: 'auto', idleMs: 1000 });
    const garbage = Buffer.alloc(10 * 1024 * 1024, 0x41);
    const before = process.memoryUsage();
    let maxBuffered = 0;
    const probe = setInterval(() => (maxBuffered = Math.max(maxBuffered, driver.bufferedBytes)), 1);
    const t0 = performance.now();
    await pty.write(garbage);
    // A loaded machine can deliver the 10 MB with pauses longer than the idle window: each pause ends a discarded
    // run (by design: silence ends a scan). Wait until all of it has been discarded, however many runs that took.
    const discarded = (): number =>
      rec.states.reduce(
        (sum, s) => sum + (s.state === 'connected' ? Number(/after discarding (\d+) bytes/.exec(s.detail)?.[1] ?? 0) : 0),
        0,
      );
    await rec.until(() => discarded() === garbage.length, 'the end of the discarded bytes', 30_000);
    const elapsed = performance.now() - t0;
    clearInterval(probe);
    const after = process.memoryUsage();
    await pty.write(`${CCCD}\r`);
    await rec.until(() => rec.frames.length === 1, 'the good scan', 10_000);
    expect(rec.texts()).toEqual([CCCD]);
    const codes = rec.codes();
    expect(codes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(codes)).toEqual(new Set(['E_FRAME_TOO_LONG']));
    expect(maxBuffered).toBeLessThanOrEqual(4096);
    expect(driver.bufferedBytes).toBe(0);
    // The 10 MB passed through; the driver keeps none of it (generous bound for GC noise).
    expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    console.info(`[measure] 10 MB garbage framed through a pty in ${elapsed.toFixed(0)} ms, in ${codes.length} run(s)`);
  }, 45_000);

  it('unplug (pty gone) → disconnected, replug at the same path → connected again by itself, frames flow again', async () => {
    const { pty, driver, rec } = await setup({ terminator: 'cr' });
    await pty.write(`${CCCD}\r`);
    await rec.until(() => rec.frames.length === 1, 'the first frame');
    await pty.kill();
    await rec.until(() => driver.state === 'disconnected', 'disconnected');
    await new Promise((r) => setTimeout(r, 300));
    const connectedBefore = rec.states.filter((s) => s.state === 'connected').length;
    await pty.start();
    const reattach = await rec.until(
      () => rec.states.filter((s) => s.state === 'connected').length > connectedBefore,
      'reconnect',
      REATTACH_MS,
    );
    await pty.write(`${CCCD_B}\r`);
    await rec.until(() => rec.frames.length === 2, 'a frame after the replug');
    expect(rec.texts()).toEqual([CCCD, CCCD_B]);
    expect(rec.states.map((s) => s.state)).toEqual(['connected', 'disconnected', 'connected']);
    console.info(`[measure] reattach after replug: ${reattach} ms (poll 100 ms)`);
  });

  it('three real unplug/replug cycles leave no file descriptor behind', async () => {
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const { pty, driver, rec } = await setup({ terminator: 'cr' });
    for (let i = 0; i < 3; i++) {
      await pty.kill();
      await rec.until(() => driver.state === 'disconnected', `disconnected ${i}`);
      await pty.start();
      await rec.until(() => driver.state === 'connected', `connected ${i}`, REATTACH_MS);
      await pty.write(`${CCCD} #${i}\r`);
      await rec.until(() => rec.frames.length === i + 1, `frame ${i}`);
    }
    await driver.stop();
    await pty.kill();
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore);
  });

  it('a missing path at start is reported disconnected and picked up when it appears', async () => {
    pty = new PtyPair();
    driver = new SerialDriver({ id: 'gate-2', type: 'serial', path: pty.scannerPath }, {});
    const rec = new Recorder(driver);
    await driver.start();
    expect(driver.state).toBe('disconnected');
    await pty.start();
    const ms = await rec.until(() => driver!.state === 'connected', 'connected', REATTACH_MS);
    await pty.write(`${CCCD}\n`);
    await rec.until(() => rec.frames.length === 1, 'a frame');
    console.info(`[measure] first attach after the device appeared: ${ms} ms (default poll 500 ms)`);
  });

  it("the event-loop reader (default) keeps serialport's line setup: baud rate, raw mode, hupcl off, the exclusive lock", async () => {
    const { pty, rec } = await setup({ terminator: 'cr', baudRate: 115200 });
    const line = execFileSync('stty', ['-F', pty.scannerPath, '-a'], { encoding: 'utf8' });
    expect(line).toMatch(/speed 115200 baud/);
    expect(line).toMatch(/-hupcl/);
    expect(line).toMatch(/-icanon/);
    expect(line).toMatch(/-echo\b/);
    // The lock is serialport's flock on its own descriptor, which the reader leaves alone.
    const second = new SerialPort({ path: pty.scannerPath, baudRate: 9600, autoOpen: false, lock: true });
    await expect(new Promise<void>((resolve, reject) => second.open((err) => (err ? reject(err) : resolve())))).rejects.toThrow(/lock/i);
    await pty.write(`${CCCD}\r`);
    await rec.until(() => rec.frames.length === 1, 'a frame while another opener was refused');
    expect(rec.texts()).toEqual([CCCD]);
  });
});

describe('serial driver over a real pty, serialport\'s own reader (reader: "serialport", the fallback)', () => {
  it('frames arrive, an unplug is reported, a replug reattaches, and no file descriptor is left behind', async () => {
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const { pty, driver, rec } = await setup({ terminator: 'cr', reader: 'serialport' });
    expect(rec.states[0]?.detail).toMatch(/serialport reader/);
    for (let i = 0; i < 3; i++) {
      await pty.write(`${CCCD} #${i}\r`);
      await rec.until(() => rec.frames.length === i + 1, `frame ${i}`);
      await pty.kill();
      await rec.until(() => driver.state === 'disconnected', `disconnected ${i}`);
      await pty.start();
      await rec.until(() => driver.state === 'connected', `connected ${i}`, REATTACH_MS);
    }
    expect(rec.texts()).toEqual([0, 1, 2].map((i) => `${CCCD} #${i}`));
    await driver.stop();
    await pty.kill();
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore);
  });
});
