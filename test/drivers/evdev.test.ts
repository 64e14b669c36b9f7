/**
 * evdev: record parsing from recorded input_event bytes (including records split across reads), and the driver
 * reading a real file with the same non-blocking read path it uses on /dev/input/event*.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EvdevDriver } from '../../drivers/evdev/evdev-driver.js';
import { EV_KEY, InputEventReader, encodeInputEvent, recordSizeFor } from '../../drivers/evdev/input-event.js';
import { KEY_A_DOWN_HEX, typeText } from '../fixtures/evdev-events.js';
import { Recorder } from './helpers/events.js';

const NAME = 'Nguyễn Thị Mẫu';
let dir: string | undefined;
let driver: EvdevDriver | undefined;
afterEach(async () => {
  await driver?.stop();
  driver = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('input_event records', () => {
  it('parses a recorded 24-byte record', () => {
    const events = new InputEventReader(24).push(Buffer.from(KEY_A_DOWN_HEX, 'hex'));
    expect(events).toEqual([{ type: EV_KEY, code: 30, value: 1 }]);
  });

  it('parses a stream split at every byte boundary the same as whole', () => {
    const bytes = typeText('Ab-1 ễ');
    const whole = new InputEventReader(24).push(bytes);
    for (const cut of [1, 7, 23, 24, 25, 47, 100]) {
      const reader = new InputEventReader(24);
      const got = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
      expect(got).toEqual(whole);
    }
    const reader = new InputEventReader(24);
    const oneByOne = Array.from(bytes).flatMap((b) => reader.push(Uint8Array.of(b)));
    expect(oneByOne).toEqual(whole);
  });

  it('reads 16-byte records on 32-bit platforms', () => {
    expect(recordSizeFor('arm')).toBe(16);
    expect(recordSizeFor('x64')).toBe(24);
    const rec = encodeInputEvent({ type: EV_KEY, code: 28, value: 0 }, 16);
    expect(new InputEventReader(16).push(rec)).toEqual([{ type: EV_KEY, code: 28, value: 0 }]);
  });
});

describe('evdev driver', () => {
  it('turns recorded key events into scans: shift, Alt+numpad Vietnamese, Enter ends the scan', async () => {
    dir = mkdtempSync(join(tmpdir(), 'qrgate-evdev-'));
    const node = join(dir, 'event7');
    writeFileSync(node, typeText(NAME));
    driver = new EvdevDriver({ id: 'wedge', type: 'evdev', path: node }, { recordSize: 24, readPollMs: 5 });
    const rec = new Recorder(driver);
    await driver.start();
    expect(driver.state).toBe('connected');
    expect(rec.states[0]?.detail).toMatch(/99-qrgate\.rules/);
    await rec.until(() => rec.frames.length === 1, 'the first scan');
    // More keys arrive later, the second record split mid-way across two writes.
    const more = typeText('Tran Van Thu 0123');
    appendFileSync(node, more.subarray(0, 37));
    await new Promise((r) => setTimeout(r, 20));
    appendFileSync(node, more.subarray(37));
    await rec.until(() => rec.frames.length === 2, 'the second scan');
    expect(rec.texts()).toEqual([NAME, 'Tran Van Thu 0123']);
  });

  it('ends a scan after idleMs when no Enter comes', async () => {
    dir = mkdtempSync(join(tmpdir(), 'qrgate-evdev-'));
    const node = join(dir, 'event8');
    const typed = typeText('abc');
    writeFileSync(node, typed.subarray(0, typed.length - 6 * 24)); // drop the Enter tap
    driver = new EvdevDriver({ id: 'wedge', type: 'evdev', path: node, idleMs: 40 }, { recordSize: 24, readPollMs: 5 });
    const rec = new Recorder(driver);
    await driver.start();
    await rec.until(() => rec.frames.length === 1, 'the idle flush');
    expect(rec.texts()).toEqual(['abc']);
  });

  it('a missing device is disconnected; a permission error names the input group and the rule', async () => {
    driver = new EvdevDriver({ id: 'w', type: 'evdev', path: '/nonexistent/event99' }, {});
    await driver.start();
    expect(driver.state).toBe('disconnected');
    await driver.stop();
    const denied = new EvdevDriver(
      { id: 'w2', type: 'evdev', path: process.execPath },
      {
        openDevice: () => Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })),
      },
    );
    driver = denied;
    const rec = new Recorder(denied);
    await denied.start();
    expect(rec.codes()).toEqual(['E_PERMISSION']);
    expect(rec.states[0]?.detail).toMatch(/'input'/);
    expect(rec.states[0]?.detail).toMatch(/99-qrgate\.rules/);
  });

  it('a read error (device unplugged) is disconnected, and stop() leaves no timer', async () => {
    let reads = 0;
    driver = new EvdevDriver(
      { id: 'w3', type: 'evdev', path: process.execPath },
      {
        readPollMs: 2,
        pollMs: 10_000,
        openDevice: () =>
          Promise.resolve({
            read: () =>
              ++reads > 3 ? Promise.reject(Object.assign(new Error('ENODEV: no such device'), { code: 'ENODEV' })) : Promise.resolve(0),
            close: () => Promise.resolve(),
          }),
      },
    );
    const rec = new Recorder(driver);
    await driver.start();
    await rec.until(() => driver!.state === 'disconnected', 'disconnected');
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await driver.stop();
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThan(before);
  });
});
