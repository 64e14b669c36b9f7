import { describe, expect, it } from 'vitest';
import { isValidTimeZone, TimeZone } from '../../src/core/zone.js';
import { resolveConfig } from '../../src/config/load.js';

const HANOI = new TimeZone('Asia/Ho_Chi_Minh');
const LA = new TimeZone('America/Los_Angeles');

describe('the kiosk time zone', () => {
  it.each([
    ['Asia/Ho_Chi_Minh', '2026-11-22T02:30:00Z', '2026-11-22T09:30:00.000+07:00', 420],
    ['Asia/Ho_Chi_Minh', '2026-11-22T17:00:00Z', '2026-11-23T00:00:00.000+07:00', 420],
    ['UTC', '2026-11-22T02:30:00Z', '2026-11-22T02:30:00.000+00:00', 0],
    ['America/Los_Angeles', '2026-07-01T12:00:00Z', '2026-07-01T05:00:00.000-07:00', -420],
    ['America/Los_Angeles', '2026-12-01T12:00:00Z', '2026-12-01T04:00:00.000-08:00', -480],
    ['Asia/Kolkata', '2026-11-22T00:00:00Z', '2026-11-22T05:30:00.000+05:30', 330],
  ])('%s: %s is %s', (zone, at, iso, offset) => {
    const z = new TimeZone(zone);
    expect(z.iso(new Date(at))).toBe(iso);
    expect(z.offsetMinutes(new Date(at))).toBe(offset);
  });

  it('starts the day at the zone’s midnight, not the machine’s', () => {
    expect(new Date(HANOI.startOfDay(new Date('2026-11-22T16:59:59Z'))).toISOString()).toBe('2026-11-21T17:00:00.000Z');
    expect(new Date(HANOI.startOfDay(new Date('2026-11-22T17:00:00Z'))).toISOString()).toBe('2026-11-22T17:00:00.000Z');
    expect(HANOI.date(new Date('2026-11-22T17:00:00Z'))).toBe('2026-11-23');
  });

  it('gives the bounds of a civil day, 23 or 25 hours long across a daylight-saving change', () => {
    expect(HANOI.dayBounds('2026-11-22')).toEqual({ from: Date.parse('2026-11-21T17:00:00Z'), to: Date.parse('2026-11-22T17:00:00Z') });
    const spring = LA.dayBounds('2026-03-08');
    expect(spring && (spring.to - spring.from) / 3_600_000).toBe(23);
    const fall = LA.dayBounds('2026-11-01');
    expect(fall && (fall.to - fall.from) / 3_600_000).toBe(25);
    expect(HANOI.dayBounds('2026-02-30')).toBeNull();
    expect(HANOI.dayBounds('22/11/2026')).toBeNull();
  });

  it('finds the next HH:MM of the zone, strictly after now, across a daylight-saving change', () => {
    expect(LA.iso(LA.nextOccurrence('18:00', new Date('2026-03-07T20:00:00-08:00')))).toBe('2026-03-08T18:00:00.000-07:00');
    expect(LA.iso(LA.nextOccurrence('18:00', new Date('2026-03-08T18:00:00-07:00')))).toBe('2026-03-09T18:00:00.000-07:00');
    expect(HANOI.iso(HANOI.nextOccurrence('00:00', new Date('2026-12-31T23:59:00+07:00')))).toBe('2027-01-01T00:00:00.000+07:00');
  });

  it('knows IANA names and refuses others, and the config says which key is wrong', () => {
    expect(isValidTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isValidTimeZone('Asia/Hanoi_City')).toBe(false);
    const base = { device: { id: 'k', site: 's' } };
    expect(resolveConfig(base, {}).config.clock.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(() => resolveConfig({ ...base, clock: { timeZone: 'Asia/Hanoi_City' } }, {})).toThrow(
      /clock\.timeZone: "Asia\/Hanoi_City" is not a time zone/,
    );
  });
});
