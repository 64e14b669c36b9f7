import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { ScannerEntrySchema } from '../../drivers/config.js';
import { createDriver } from '../../drivers/index.js';
import { SyntheticVisitors } from '../../drivers/simulated/synthetic-visitors.js';
import { decodeScan } from '../../src/decode/index.js';
import { Recorder } from './helpers/events.js';
import { VIETNAM } from '../helpers/payloads.js';

const AT = new Date('2026-06-01T09:00:00+07:00');

describe('synthetic visitors', () => {
  it('good scans decode as CCCD or BHYT with their names intact; the seed repeats the run exactly', () => {
    const gen = new SyntheticVisitors(7, 0, () => AT);
    for (let i = 0; i < 200; i++) {
      const scan = gen.next();
      const result = decodeScan(Buffer.from(scan.payload, 'utf8'), AT, VIETNAM);
      expect(result.ok, `${scan.kind}: ${scan.payload} → ${JSON.stringify(result)}`).toBe(true);
    }
    const a = new SyntheticVisitors(3, 0.2, () => AT);
    const b = new SyntheticVisitors(3, 0.2, () => AT);
    expect(Array.from({ length: 20 }, () => a.next())).toEqual(Array.from({ length: 20 }, () => b.next()));
  });

  it.each(['2026-01-01T00:30:00+07:00', '2029-12-31T23:30:00+07:00', '2041-06-01T09:00:00+07:00'])(
    'cards made at %s are valid then: issued before it, not expired, no warning',
    (when) => {
      const at = new Date(when);
      const gen = new SyntheticVisitors(5, 0, () => at);
      for (let i = 0; i < 300; i++) {
        const scan = gen.next();
        const result = decodeScan(Buffer.from(scan.payload, 'utf8'), at, VIETNAM);
        expect(result.ok && result.warnings, `${scan.kind}: ${scan.payload}`).toEqual([]);
      }
    },
  );

  it('about badScanRatio of scans are damaged', () => {
    const gen = new SyntheticVisitors(11, 0.25, () => AT);
    const kinds = Array.from({ length: 2000 }, () => gen.next().kind);
    const bad = kinds.filter((k) => k.startsWith('bad')).length / kinds.length;
    expect(bad).toBeGreaterThan(0.2);
    expect(bad).toBeLessThan(0.3);
  });
});

describe('simulated driver', () => {
  it('generates frames at the configured rate', async () => {
    const d = createDriver({ id: 'sim', type: 'simulated', ratePerMinute: 6000, badScanRatio: 0 });
    const rec = new Recorder(d);
    await d.start();
    expect(rec.states[0]?.detail).toMatch(/not for production/);
    await rec.until(() => rec.frames.length >= 5, 'five frames');
    await d.stop();
    const n = rec.frames.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(rec.frames.length).toBe(n);
  });

  it('replays a file, then reports the end; a missing file is E_SOURCE_UNREADABLE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrgate-sim-'));
    try {
      const file = join(dir, 'scans.txt');
      writeFileSync(file, 'một\r\nhai\n\nba\n');
      const d = createDriver({ id: 'f', type: 'simulated', source: 'file', file, ratePerMinute: 6000 });
      const rec = new Recorder(d);
      await d.start();
      await rec.until(() => d.state === 'disconnected', 'end of file');
      expect(rec.texts()).toEqual(['một', 'hai', 'ba']);
      await d.stop();
      const missing = createDriver({ id: 'm', type: 'simulated', source: 'file', file: join(dir, 'nope.txt') });
      const rec2 = new Recorder(missing);
      await missing.start();
      expect(rec2.codes()).toEqual(['E_SOURCE_UNREADABLE']);
      await missing.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads lines from stdin', async () => {
    const stdin = new PassThrough();
    const d = createDriver({ id: 'in', type: 'simulated', source: 'stdin' }, { stdin });
    const rec = new Recorder(d);
    await d.start();
    stdin.write('Nguyễn Thị Mẫu\nsecond\n');
    stdin.end();
    await rec.until(() => d.state === 'disconnected', 'stdin closed');
    expect(rec.texts()).toEqual(['Nguyễn Thị Mẫu', 'second']);
    await d.stop();
  });
});

describe('ScannerEntrySchema', () => {
  it('accepts each driver type with path or match, fills defaults, and rejects both/neither and unknown keys', () => {
    const ok = [
      { id: 'a', type: 'serial', path: '/dev/serial/by-id/x' },
      { id: 'b', type: 'serial', match: { vendorId: '0c2e', productId: '0cd4' }, terminator: 'crlf', baudRate: 115200 },
      { id: 'c', type: 'hid', match: { vendorId: '05E0', productId: '1300', serialNumber: 'S1' } },
      { id: 'd', type: 'evdev', path: '/dev/qrgate/event-05e0-1200-if00', direction: 'out' },
      { id: 'e', type: 'simulated', ratePerMinute: 10 },
    ];
    for (const e of ok) expect(Value.Check(ScannerEntrySchema, e), JSON.stringify(e)).toBe(true);
    const bad = [
      { id: 'a', type: 'serial' },
      { id: 'a', type: 'serial', path: '/dev/x', match: { vendorId: '0c2e', productId: '0cd4' } },
      { id: 'a', type: 'serial', path: '/dev/x', terminator: 'semicolon' },
      { id: 'a', type: 'serial', path: '/dev/x', bogus: 1 },
      { id: 'a', type: 'serial', match: { vendorId: 'zz', productId: '0cd4' } },
      { id: 'a b', type: 'simulated' },
      { id: 'a', type: 'usb', path: '/dev/x' },
    ];
    for (const e of bad) expect(Value.Check(ScannerEntrySchema, e), JSON.stringify(e)).toBe(false);
    const filled = Value.Default(ScannerEntrySchema, { id: 'a', type: 'serial', path: '/dev/x' }) as Record<string, unknown>;
    expect(filled).toMatchObject({ baudRate: 9600, terminator: 'auto', maxFrameBytes: 4096, idleMs: 100, direction: 'in' });
  });

  it('every field has a description and every optional field a default (the config reference is built from them)', () => {
    for (const variant of ScannerEntrySchema.anyOf) {
      for (const [key, prop] of Object.entries(variant.properties as Record<string, { description?: string; default?: unknown }>)) {
        expect(prop.description, `${String(variant.properties.type.const)}.${key}`).toBeTruthy();
        const required = (variant.required as string[] | undefined)?.includes(key) ?? false;
        if (!required && !['path', 'match', 'file'].includes(key)) expect(prop.default, key).toBeDefined();
      }
    }
  });
});
