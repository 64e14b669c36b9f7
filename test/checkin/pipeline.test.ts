import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { Frame } from '../../src/core/scanner.js';
import { DailyTimer } from '../../src/checkin/auto-checkout.js';
import { TimeZone } from '../../src/core/zone.js';
import type { AlarmEvent, RejectEvent } from '../../src/checkin/events.js';
import { CheckinPipeline, endsMidCharacter, type ScannerDirection } from '../../src/checkin/pipeline.js';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { StoreError } from '../../src/store/errors.js';
import type { Checkin } from '../../src/store/types.js';
import { bhytNew, cccd, NAME_F } from '../helpers/payloads.js';
import { afterThisTest } from '../helpers/after-test.js';
import { tempDir } from '../helpers/tmp.js';
import { TEST_NOW, TEST_ZONE } from '../helpers/clock.js';

interface Harness {
  pipeline: CheckinPipeline;
  store: CheckinStore;
  checkins: Checkin[];
  rejects: RejectEvent[];
  alarms: AlarmEvent[];
  repeats: number;
  scan(text: string | Buffer, scannerId?: string): void;
  /** Frames that arrived together, as the composition root hands them over. */
  burst(texts: readonly string[], scannerId?: string): void;
}

const frameOf = (text: string | Buffer, scannerId: string): Frame => ({
  scannerId,
  bytes: typeof text === 'string' ? Buffer.from(text, 'utf8') : text,
  receivedAt: new Date(),
});

function harness(opts: { directions?: Record<string, ScannerDirection>; maxPending?: number; dedupeMs?: number } = {}): Harness {
  const dir = tempDir('qrgate-pipeline-');
  const store = CheckinStore.open({
    path: join(dir, 'q.db'),
    keyFile: join(dir, 'k'),
    maxPending: opts.maxPending ?? 1000,
    forwarding: true,
  });
  const pipeline = new CheckinPipeline({
    store,
    clock: systemClock,
    zone: TEST_ZONE,
    settings: { dedupeMs: opts.dedupeMs ?? 3000, reassemblyMs: 150 },
    directionOf: (id) => opts.directions?.[id] ?? 'in',
    clockSynced: () => true,
  });
  const h: Harness = {
    pipeline,
    store,
    checkins: [],
    rejects: [],
    alarms: [],
    repeats: 0,
    scan: (text, scannerId = 'gate') => pipeline.accept(frameOf(text, scannerId)),
    burst: (texts, scannerId = 'gate') => pipeline.acceptAll(texts.map((t) => frameOf(t, scannerId))),
  };
  pipeline.on('checkin', (c) => {
    // The event comes after the commit: the row is already in the store.
    expect(store.lastSeq()).toBeGreaterThanOrEqual(c.seq);
    h.checkins.push(c);
  });
  pipeline.on('reject', (r) => h.rejects.push(r));
  pipeline.on('alarm', (a) => h.alarms.push(a));
  pipeline.on('repeat', () => (h.repeats += 1));
  afterThisTest(() => store.close());
  return h;
}

describe('check-in pipeline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: TEST_NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits a decoded scan, then announces it with its id and seq', () => {
    const h = harness();
    h.scan(cccd());
    expect(h.checkins).toHaveLength(1);
    const c = h.checkins[0];
    expect(c).toMatchObject({
      seq: 1,
      scanner: 'gate',
      direction: 'in',
      auto: false,
      manual: false,
      clockSynced: true,
      document: { number: '001190012345', name: NAME_F },
    });
    expect(h.store.outbox.pendingCheckins(0, 10)).toEqual([c]);
  });

  it('records and announces a rejected scan by its code only', () => {
    const h = harness();
    h.scan('hello world');
    expect(h.rejects).toEqual([
      {
        id: expect.any(String) as unknown,
        scanner: 'gate',
        code: 'E_UNRECOGNIZED',
        scannedAt: expect.any(String) as unknown,
        clockSynced: true,
      },
    ]);
    expect(h.store.pendingRejectsAfter(0, 10).map((r) => r.code)).toEqual(['E_UNRECOGNIZED']);
  });

  it('joins a scan split by a spurious Enter when the rest arrives within the window', () => {
    const h = harness();
    const payload = Buffer.from(cccd());
    const cut = payload.indexOf(Buffer.from('Mẫu')) + 2; // inside the multi-byte ẫ
    h.scan(payload.subarray(0, cut));
    vi.advanceTimersByTime(80);
    h.scan(payload.subarray(cut));
    vi.advanceTimersByTime(1000);
    expect(h.rejects).toEqual([]);
    expect(h.checkins.map((c) => c.document.name)).toEqual([NAME_F]);
  });

  it('joins a BHYT scan split into three pieces', () => {
    const h = harness();
    const payload = bhytNew();
    const [a, b, c] = [payload.slice(0, 40), payload.slice(40, 120), payload.slice(120)];
    h.scan(a);
    vi.advanceTimersByTime(100);
    h.scan(b);
    vi.advanceTimersByTime(100);
    h.scan(c);
    expect(h.rejects).toEqual([]);
    expect(h.checkins.map((x) => x.document.number)).toEqual(['0199900123']);
  });

  it('rejects the first part alone when the rest does not come within the window', () => {
    const h = harness();
    h.scan('001190012345|012345678|Nguyễn Thị M');
    vi.advanceTimersByTime(149);
    expect(h.rejects).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(h.rejects.map((r) => r.code)).toEqual(['E_CCCD_FIELDS']);
    h.scan('ẫu|15031990|Nữ|Hà Nội|20042021');
    expect(h.rejects.map((r) => r.code)).toEqual(['E_CCCD_FIELDS', 'E_UNRECOGNIZED']);
    expect(h.checkins).toEqual([]);
  });

  it('never merges a cut scan with the complete scan of another card that follows it', () => {
    const h = harness();
    h.scan('001190012345|012345678|Nguyễn Thị M');
    vi.advanceTimersByTime(50);
    h.scan(cccd({ number: '048095000777', oldNumber: '', name: 'Trần Văn Thử', birth: '01011995', sex: 'Nam', issued: '10052022' }));
    expect(h.rejects.map((r) => r.code)).toEqual(['E_CCCD_FIELDS']);
    expect(h.checkins.map((c) => c.document.number)).toEqual(['048095000777']);
  });

  it('keeps reassembly per scanner', () => {
    const h = harness();
    const payload = cccd();
    h.scan(payload.slice(0, 30), 'a');
    h.scan(cccd({ number: '048095000777', sex: 'Nam', birth: '01011995' }), 'b');
    h.scan(payload.slice(30), 'a');
    expect(h.checkins.map((c) => [c.scanner, c.document.number])).toEqual([
      ['b', '048095000777'],
      ['a', '001190012345'],
    ]);
  });

  it('treats the same payload from the same scanner within dedupeMs as one scan', () => {
    const h = harness();
    h.scan(cccd());
    vi.advanceTimersByTime(500);
    h.scan(cccd());
    h.scan(cccd(), 'other');
    vi.advanceTimersByTime(2600);
    h.scan(cccd());
    expect(h.repeats).toBe(2);
    vi.advanceTimersByTime(3001);
    h.scan(cccd());
    expect(h.checkins.map((c) => c.scanner)).toEqual(['gate', 'other', 'gate']);
  });

  it('suppresses a bad QR held in front of the reader as well', () => {
    const h = harness();
    for (let i = 0; i < 5; i += 1) {
      h.scan('hello world');
      vi.advanceTimersByTime(200);
    }
    expect(h.rejects).toHaveLength(1);
  });

  it('toggles: in when the person is not inside, out when they are', () => {
    const h = harness({ directions: { desk: 'toggle' }, dedupeMs: 0 });
    h.scan(cccd(), 'desk');
    h.scan(cccd(), 'desk');
    h.scan('001190012345', 'desk'); // the same person by typed number
    expect(h.checkins.map((c) => c.direction)).toEqual(['in', 'out', 'in']);
  });

  it('uses the scanner’s fixed direction', () => {
    const h = harness({ directions: { exit: 'out' } });
    h.scan(cccd(), 'exit');
    expect(h.checkins[0]?.direction).toBe('out');
  });

  it('refuses the scan with E_STORE_FULL and an alarm when the store is full, announcing no check-in', () => {
    const h = harness({ maxPending: 1 });
    h.scan(cccd());
    h.scan(cccd({ number: '048095000777', sex: 'Nam', birth: '01011995' }));
    expect(h.checkins).toHaveLength(1);
    expect(h.rejects.map((r) => [r.code, r.id])).toEqual([['E_STORE_FULL', null]]);
    expect(h.alarms.map((a) => a.code)).toEqual(['E_STORE_FULL']);
  });

  it('commits frames that arrived together in one transaction, then announces them in order', () => {
    const h = harness();
    const record = vi.spyOn(h.store, 'recordCheckins');
    const order: string[] = [];
    h.pipeline.on('checkin', (c) => order.push(c.document.number ?? ''));
    h.pipeline.on('reject', (r) => order.push(r.code));
    h.burst([cccd(1), 'hello world', cccd(2), cccd(3)]);
    // Events in frame order (the status page shows the last one), although the rows were committed together.
    expect(order).toEqual(['001190000001', 'E_UNRECOGNIZED', '001190000002', '001190000003']);
    expect(record).toHaveBeenCalledTimes(1);
    expect(record.mock.calls[0]?.[0]).toHaveLength(3);
    expect(h.checkins.map((c) => [c.seq, c.document.number])).toEqual([
      [1, '001190000001'],
      [2, '001190000002'],
      [3, '001190000003'],
    ]);
    expect(h.rejects.map((r) => r.code)).toEqual(['E_UNRECOGNIZED']);
  });

  it('decides a toggle in a burst from the rows before it in the same transaction: in, then out', () => {
    const h = harness({ directions: { desk: 'toggle' }, dedupeMs: 0 });
    h.burst([cccd(), cccd(), '001190012345'], 'desk');
    expect(h.checkins.map((c) => c.direction)).toEqual(['in', 'out', 'in']);
    expect(h.store.presence.isInside({ document: h.checkins[0]?.document ?? expect.unreachable() })).toBe(true);
  });

  it('refuses every scan of a burst whose transaction failed, with an alarm each, announcing none', () => {
    const h = harness();
    // The store's all-or-nothing is its own test; here, what the pipeline does with a failed commit.
    vi.spyOn(h.store, 'recordCheckins').mockImplementation((drafts) =>
      drafts.map(() => ({ ok: false, error: new StoreError('E_STORE_WRITE', 'disk trouble') })),
    );
    h.burst([cccd(1), cccd(2)]);
    expect(h.checkins).toEqual([]);
    expect(h.rejects.map((r) => [r.code, r.id])).toEqual([
      ['E_STORE_WRITE', null],
      ['E_STORE_WRITE', null],
    ]);
    expect(h.alarms.map((a) => a.code)).toEqual(['E_STORE_WRITE', 'E_STORE_WRITE']);
  });

  it('fills a burst up to store.maxPending and refuses the rest with E_STORE_FULL', () => {
    const h = harness({ maxPending: 2 });
    h.burst([cccd(1), cccd(2), cccd(3), cccd(4)]);
    expect(h.checkins.map((c) => c.document.number)).toEqual(['001190000001', '001190000002']);
    expect(h.rejects.map((r) => [r.code, r.id])).toEqual([
      ['E_STORE_FULL', null],
      ['E_STORE_FULL', null],
    ]);
    expect(h.alarms.map((a) => a.code)).toEqual(['E_STORE_FULL', 'E_STORE_FULL']);
  });

  it('records a manual entry as an id-number check-in with manual: true, by the same rules', () => {
    const h = harness();
    const ok = h.pipeline.manual({ number: '079 305 001 234', name: '  Lê  Minh Ví Dụ ' });
    expect(ok).toMatchObject({
      ok: true,
      checkin: {
        scanner: 'manual',
        manual: true,
        document: { type: 'id-number', number: '079305001234', name: 'Lê Minh Ví Dụ', manual: true, sex: 'F', birthDate: '2005' },
      },
    });
    const bad = h.pipeline.manual({ number: '12345' });
    expect(bad).toMatchObject({ ok: false, reject: { code: 'E_MANUAL_NUMBER', scanner: 'manual' } });
  });

  it.each([
    ['the 10-digit BHXH number', '0123456789', { number: '0123456789', socialInsuranceNumber: '0123456789', objectCode: null }],
    [
      'the 15-character card number',
      'HS4010123456789',
      { number: 'HS4010123456789', objectCode: 'HS', benefitLevel: 4, provinceCode: '01' },
    ],
    [
      'the card number with its printed spaces, in lower case',
      'hs 4 01 0123456789',
      { number: 'HS4010123456789', socialInsuranceNumber: '0123456789' },
    ],
  ])('records a typed BHYT number (%s) as a manual bhyt check-in', (_what, number, doc) => {
    const h = harness();
    const ok = h.pipeline.manual({ number, name: 'Lê Văn Khách' });
    expect(ok).toMatchObject({
      ok: true,
      checkin: { scanner: 'manual', manual: true, document: { type: 'bhyt', name: 'Lê Văn Khách', ...doc } },
    });
  });

  it.each([['0123456789012345'], ['HS4000123456789'], ['XX'], ['0123456789a']])(
    'refuses %s at the manual entry with E_MANUAL_NUMBER',
    (number) => {
      expect(harness().pipeline.manual({ number })).toMatchObject({ ok: false, reject: { code: 'E_MANUAL_NUMBER' } });
    },
  );

  it('decides a held half-scan on close, so nothing stays in memory', () => {
    const h = harness();
    h.scan('001190012345|012345678|Nguyễn Thị M');
    h.pipeline.close();
    expect(h.rejects.map((r) => r.code)).toEqual(['E_CCCD_FIELDS']);
    h.scan(cccd());
    expect(h.checkins).toEqual([]);
  });

  it('checks everyone out at checkout.at, marked auto', () => {
    const h = harness();
    h.scan(cccd());
    h.scan(bhytNew());
    const at = TEST_ZONE.nextOccurrence('23:59', systemClock.now());
    const timer = new DailyTimer('23:59', systemClock, TEST_ZONE, (when) => h.pipeline.autoCheckout(when));
    timer.start();
    vi.advanceTimersByTime(at.getTime() - systemClock.now().getTime() - 1000);
    expect(h.checkins).toHaveLength(2);
    vi.advanceTimersByTime(61_000);
    timer.stop();
    expect(h.checkins.slice(2).map((c) => [c.direction, c.auto, c.document.type])).toEqual([
      ['out', true, 'cccd'],
      ['out', true, 'bhyt'],
    ]);
    expect(h.store.insideNow()).toEqual([]);
  });
});

describe('daily timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once when the clock is stepped an hour forward past the time, and not again after a step back', () => {
    vi.useFakeTimers({ now: new Date('2026-11-22T23:30:00+07:00') });
    const fired: Date[] = [];
    const timer = new DailyTimer('23:59', systemClock, TEST_ZONE, (at) => fired.push(at));
    timer.start();
    vi.setSystemTime(new Date('2026-11-23T00:30:00+07:00')); // NTP steps the clock forward by an hour
    vi.advanceTimersByTime(60_000);
    expect(fired).toHaveLength(1);
    vi.setSystemTime(new Date('2026-11-22T23:31:00+07:00')); // and back again
    vi.advanceTimersByTime(40 * 60_000);
    expect(fired).toHaveLength(1);
    timer.stop();
  });

  it('picks the next occurrence strictly after now, in the kiosk zone whatever the machine zone', () => {
    const from = new Date('2026-11-22T23:59:00+07:00');
    expect(TEST_ZONE.nextOccurrence('23:59', from).toISOString()).toBe('2026-11-23T16:59:00.000Z');
    expect(TEST_ZONE.nextOccurrence('00:00', from).toISOString()).toBe('2026-11-22T17:00:00.000Z');
    expect(TEST_ZONE.nextOccurrence('09:00', new Date('2026-11-22T08:59:59+07:00')).toISOString()).toBe('2026-11-22T02:00:00.000Z');
  });

  it('fires at checkout.at of the configured zone, not of the machine', () => {
    vi.useFakeTimers({ now: new Date('2026-11-23T01:00:00Z') }); // 17:00 in Los Angeles, 08:00 in Hanoi
    const fired: Date[] = [];
    const la = new TimeZone('America/Los_Angeles');
    const timer = new DailyTimer('18:00', systemClock, la, (at) => fired.push(at));
    timer.start();
    vi.advanceTimersByTime(3_600_000 - 1000); // 17:59:59 in Los Angeles (UTC-8)
    expect(fired).toHaveLength(0);
    vi.advanceTimersByTime(61_000);
    expect(fired.map((d) => la.iso(d).slice(11, 16))).toEqual(['18:00']);
    timer.stop();
  });
});

describe('endsMidCharacter', () => {
  it.each([
    [[0x41], false],
    [[0x41, 0xe1], true],
    [[0x41, 0xe1, 0xba], true],
    [[0x41, 0xe1, 0xba, 0xab], false],
    [[0xc3], true],
    [[0xc3, 0xa0], false],
    [[0xf0, 0x9f, 0x98], true],
    [[0x80], false],
  ])('%j → %s', (bytes, expected) => {
    expect(endsMidCharacter(Uint8Array.from(bytes))).toBe(expected);
  });
});
