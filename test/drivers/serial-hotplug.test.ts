/**
 * Unplug/replug endurance with an injected port (no hardware): 100 cycles must leave no open port, no listener
 * and no timer behind, and the driver must stop cleanly from any state.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SerialDriver } from '../../drivers/serial/serial-driver.js';
import type { ByteSource, PortOpener } from '../../drivers/serial/port.js';
import { Recorder } from './helpers/events.js';

class FakeLine {
  present = true;
  openCount = 0;
  closeCount = 0;
  current: (EventEmitter & ByteSource) | undefined;
  failWith: Error | undefined;

  readonly opener: PortOpener = async (path) => {
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    if (!this.present) throw new Error(`Error: No such file or directory, cannot open ${path}`);
    this.openCount++;
    const port = Object.assign(new EventEmitter(), {
      onData: (l: (c: Uint8Array) => void) => void port.on('data', l),
      onEnd: (l: (e?: unknown) => void) => void port.on('end', l),
      close: async () => {
        this.closeCount++;
        port.removeAllListeners();
        await Promise.resolve();
      },
    });
    this.current = port;
    return port;
  };

  unplug(): void {
    this.present = false;
    this.current?.emit('end', new Error('Input/output error'));
    this.current = undefined;
  }
}

/**
 * How long a reattach may take before the test calls it lost: the driver polls every 2-500 ms, and what is proved is
 * that it reattaches by itself; how fast is the poll interval's business, and a busy machine stretches any wait.
 */
const REATTACH_MS = 10_000;

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('serial hot-plug endurance', () => {
  it('100 unplug/replug cycles: every scan after a replug arrives, nothing leaks', async () => {
    const line = new FakeLine();
    // The path check is a real stat: point it at a file that always exists and let the fake port decide presence.
    const driver = new SerialDriver(
      { id: 'k1', type: 'serial', path: process.execPath, terminator: 'cr' },
      { openPort: line.opener, pollMs: 2 },
    );
    const rec = new Recorder(driver);
    const timersBefore = activeTimers();
    await driver.start();
    for (let i = 0; i < 100; i++) {
      line.current!.emit('data', Buffer.from(`scan ${i} Mẫu\r`));
      line.current!.emit('data', Buffer.from('half a scan')); // cut by the unplug: must never surface
      line.unplug();
      expect(driver.state).toBe('disconnected');
      line.present = true;
      await rec.until(() => driver.state === 'connected' && line.current !== undefined, `reconnect ${i}`, REATTACH_MS);
    }
    expect(rec.texts()).toEqual(Array.from({ length: 100 }, (_, i) => `scan ${i} Mẫu`));
    expect(line.openCount).toBe(101);
    expect(line.closeCount).toBe(100);
    expect(line.current!.listenerCount('data')).toBe(1);
    expect(driver.listenerCount('frame')).toBe(1);
    await driver.stop();
    expect(line.closeCount).toBe(101);
    expect(driver.state).toBe('stopped');
    expect(driver.isOpen).toBe(false);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
    const states = rec.states.map((s) => s.state);
    expect(states.filter((s) => s === 'disconnected')).toHaveLength(100);
    expect(states.filter((s) => s === 'connected')).toHaveLength(101);
  });

  it('stop() is idempotent and works while the device is absent, with no timer left', async () => {
    const line = new FakeLine();
    line.present = false;
    const timersBefore = activeTimers();
    const driver = new SerialDriver({ id: 'k2', type: 'serial', path: process.execPath }, { openPort: line.opener, pollMs: 5 });
    await driver.start();
    expect(driver.state).toBe('disconnected');
    await driver.stop();
    await driver.stop();
    expect(driver.state).toBe('stopped');
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it('a permission error is an error state naming the groups and the udev rule, and it keeps retrying', async () => {
    const line = new FakeLine();
    line.failWith = new Error('Error: Permission denied, cannot open /dev/ttyACM0');
    const driver = new SerialDriver({ id: 'k3', type: 'serial', path: process.execPath }, { openPort: line.opener, pollMs: 5 });
    const rec = new Recorder(driver);
    await driver.start();
    expect(rec.codes()).toEqual(['E_PERMISSION']);
    const s = rec.states[0]!;
    expect(s.detail).toMatch(/qrgate/);
    expect(s.detail).toMatch(/dialout/);
    expect(s.detail).toMatch(/99-qrgate\.rules/);
    await new Promise((r) => setTimeout(r, 40));
    expect(rec.states).toHaveLength(1); // retried, but the same error is not repeated
    line.failWith = undefined;
    await rec.until(() => driver.state === 'connected', 'connected after the fix');
    await driver.stop();
  });

  it('a listener that throws does not break the driver', async () => {
    const line = new FakeLine();
    const warnings: unknown[] = [];
    const driver = new SerialDriver(
      { id: 'k4', type: 'serial', path: process.execPath, terminator: 'lf' },
      { openPort: line.opener, onListenerError: (err) => warnings.push(err) },
    );
    driver.on('frame', () => {
      throw new Error('pipeline bug');
    });
    const rec = new Recorder(driver);
    await driver.start();
    line.current!.emit('data', Buffer.from('a\nb\n'));
    expect(warnings).toHaveLength(2);
    expect(rec.texts()).toEqual([]); // listeners after the thrower are skipped by EventEmitter, but the driver lives
    line.current!.emit('data', Buffer.from('c\n'));
    expect(warnings).toHaveLength(3);
    await driver.stop();
  });
});
