import { describe, expect, it } from 'vitest';
import { decodeScan, type DecodeResult } from '../../src/decode/index.js';
import { reverseTelex } from '../../src/decode/hex-text.js';
import { ADDRESS, bhytLegacy, bhytNew, hex, ISSUE_PLACE, NAME_F, NAME_M, SCAN_TIME, VIETNAM } from '../helpers/payloads.js';

const decode = (text: string, at = SCAN_TIME): DecodeResult => decodeScan(Buffer.from(text, 'utf8'), at, VIETNAM);
const codes = (r: DecodeResult): string[] => (r.ok ? r.warnings.map((w) => w.code) : [r.code]);

describe('BHYT health-insurance QR', () => {
  it('judges expiry by the date in the zone it is given, not by a zone of its own', () => {
    // 2026-11-23 04:00 UTC: already the 23rd at a gate in Vietnam, still the 22nd at a gate in Los Angeles (-08:00).
    const at = new Date('2026-11-23T04:00:00Z');
    const card = Buffer.from(bhytLegacy({ 7: '22/11/2026' }), 'utf8');
    expect(codes(decodeScan(card, at, VIETNAM))).toEqual(['W_CARD_EXPIRED']);
    expect(codes(decodeScan(card, at, { utcOffsetMinutes: -480 }))).toEqual([]);
  });

  it.each([SCAN_TIME, new Date('2036-12-31T23:30:00+07:00'), new Date('2041-01-01T00:10:00+07:00')])(
    'the synthetic cards are in date at the scan time they are built for (%s)',
    (at) => {
      expect(codes(decode(bhytLegacy({}, at), at))).toEqual([]);
      expect(codes(decode(bhytNew({}, at), at))).toEqual([]);
    },
  );

  it('decodes the 2021+ template (10-digit number, 17 tokens)', () => {
    const r = decode(bhytNew());
    expect(codes(r)).toEqual([]);
    expect(r).toMatchObject({ ok: true, format: 'bhyt' });
    expect(r.ok && r.document).toEqual({
      type: 'bhyt',
      number: '0199900123',
      name: NAME_F,
      birthDate: '1990-03-15',
      sex: 'F',
      socialInsuranceNumber: '0199900123',
      objectCode: null,
      benefitLevel: null,
      provinceCode: null,
      address: null,
      facilityCode: '01999',
      validFrom: '2025-01-01',
      validTo: null,
      issuedOn: '2025-01-01',
      parentName: null,
      livingArea: null,
      issuePlace: ISSUE_PLACE,
      undecoded: {},
    });
  });

  it('decodes the legacy template (15-character number, 15 tokens)', () => {
    const r = decode(bhytLegacy());
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document).toMatchObject({
      number: 'GD4010199900456',
      name: NAME_M,
      sex: 'M',
      socialInsuranceNumber: '0199900456',
      objectCode: 'GD',
      benefitLevel: 4,
      provinceCode: '01',
      address: ADDRESS,
      validTo: '2027-12-31',
      livingArea: 'K1',
      issuePlace: null,
    });
  });

  it.each([
    [
      'a child card: year-only birth date and the parent name',
      bhytLegacy({ 0: 'TE1010199900789', 2: '2021', 10: hex('Lê Văn Giả Định') }),
      { birthDate: '2021', parentName: 'Lê Văn Giả Định', objectCode: 'TE', benefitLevel: 1 },
    ],
    ['no $ terminator', bhytLegacy({ 14: '' }).replace(/\|$/, ''), { number: 'GD4010199900456' }],
    ['upper-case hex (a kiosk upper-cases the whole input)', bhytNew().toUpperCase(), { name: NAME_F, issuePlace: ISSUE_PLACE }],
    ['a lower-case legacy number', bhytLegacy({ 0: 'gd4010199900456' }), { number: 'GD4010199900456', objectCode: 'GD' }],
    ['d/m/yyyy dates, zero-padded', bhytLegacy({ 2: '1/2/1995' }), { birthDate: '1995-02-01' }],
    ['an en-dash in the facility code', bhytNew({ 5: '01 – 999' }), { facilityCode: '01999' }],
    ['living area K2 and K3', bhytLegacy({ 11: '6' }), { livingArea: 'K2' }],
    ['living area 4 (none)', bhytLegacy({ 11: '4' }), { livingArea: null }],
  ])('accepts %s', (_what, payload, expected) => {
    const r = decode(payload);
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document).toMatchObject(expected);
  });

  it.each([
    ['W_CARD_EXPIRED when valid-to is before the scan day', bhytLegacy({ 7: '21/11/2026' }), ['W_CARD_EXPIRED']],
    ['no expiry on the last valid day itself', bhytLegacy({ 7: '22/11/2026' }), []],
    ['W_CARD_NOT_YET_VALID', bhytLegacy({ 6: '01/01/2027' }), ['W_CARD_NOT_YET_VALID']],
    ['W_BHYT_LEGACY_BENEFIT for benefit 7', bhytLegacy({ 0: 'DN7010199900456' }), ['W_BHYT_LEGACY_BENEFIT']],
    ['W_BHYT_UNKNOWN_OBJECT', bhytLegacy({ 0: 'ZZ4010199900456' }), ['W_BHYT_UNKNOWN_OBJECT']],
    ['W_BHYT_LEGACY_NUMBER for letters in the BHXH part', bhytLegacy({ 0: 'GD401AB99900456' }), ['W_BHYT_LEGACY_NUMBER']],
    ['W_DATE_INVALID for 30 February', bhytLegacy({ 2: '30/02/1995' }), ['W_DATE_INVALID']],
    ['W_BIRTH_IN_FUTURE', bhytLegacy({ 2: '01/01/2027' }), ['W_BIRTH_IN_FUTURE']],
    ['W_FIELD_FORMAT for sex 3', bhytLegacy({ 3: '3' }), ['W_FIELD_FORMAT']],
    ['W_FIELD_FORMAT for a malformed facility', bhytLegacy({ 5: '01 - 99' }), ['W_FIELD_FORMAT']],
  ])('warns %s', (_what, payload, expected) => {
    const r = decode(payload);
    expect(r.ok).toBe(true);
    expect(codes(r)).toEqual(expected);
  });

  it('repairs Telex IME damage in the hex ("aa" typed as "â") with W_HEX_REPAIRED', () => {
    const damaged = hex(NAME_M).replace('aa', 'â');
    expect(damaged).not.toBe(hex(NAME_M));
    const r = decode(bhytLegacy({ 1: damaged }));
    expect(codes(r)).toEqual(['W_HEX_REPAIRED']);
    expect(r.ok && r.document.name).toBe(NAME_M);
  });

  it.each([
    ['dd', 'đ'],
    ['ee', 'ê'],
    ['af', 'à'],
    ['eef', 'ề'],
    ['AA', 'Â'],
  ])('reverses the Telex keystrokes %s → %s', (keys, letter) => {
    expect(reverseTelex(`1${letter}2`)).toBe(`1${keys}2`);
  });

  it('keeps an undecodable name raw with W_NAME_UNDECODABLE', () => {
    const r = decode(bhytLegacy({ 1: 'c3' })); // a lone UTF-8 lead byte
    expect(codes(r)).toEqual(['W_NAME_UNDECODABLE']);
    expect(r.ok && r.document).toMatchObject({ name: null, undecoded: { name: 'c3' } });
  });

  it('keeps other undecodable hex fields raw with W_TEXT_UNDECODABLE', () => {
    const r = decode(bhytLegacy({ 4: 'zz12' }));
    expect(r.ok && r.warnings).toEqual([expect.objectContaining({ code: 'W_TEXT_UNDECODABLE', field: 'address' })]);
    expect(r.ok && r.document).toMatchObject({ address: null, undecoded: { address: 'zz12' } });
  });

  it('treats hex that decodes to control characters as undecodable', () => {
    const r = decode(bhytLegacy({ 1: '4e0167' }));
    expect(codes(r)).toEqual(['W_NAME_UNDECODABLE']);
  });

  it.each([
    ['a scan cut after the birth date', bhytNew().split('|').slice(0, 3).join('|')],
    ['thirteen fields and no terminator', bhytLegacy().split('|').slice(0, 13).join('|')],
    ['a terminated payload that stops before the issue date', `${bhytLegacy().split('|').slice(0, 8).join('|')}|$`],
  ])('rejects %s with E_BHYT_FIELDS', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_BHYT_FIELDS']);
  });

  it.each([
    ['9 digits', '019990012'],
    ['17 characters', 'GD401019990045678'],
    ['benefit level 8', 'GD8010199900456'],
    ['benefit level 0', 'GD0010199900456'],
    ['province 00', 'GD4000199900456'],
    ['a digit in the object code', 'G14010199900456'],
  ])('rejects a card number of %s with E_BHYT_NUMBER', (_what, number) => {
    expect(codes(decode(bhytLegacy({ 0: number })))).toEqual(['E_BHYT_NUMBER']);
  });

  const throughIssueDate = (end: string): string => `${bhytLegacy().split('|').slice(0, 9).join('|')}|${end}`;

  it.each([
    ['`#` (a hospital app’s own QR), 2021+ template', bhytNew({ 16: '#' }), 'Nguyễn Thị Mẫu'],
    ['`**##` (a VNPT kiosk’s relay of `$`), 2021+ template', bhytNew({ 16: '**##' }), 'Nguyễn Thị Mẫu'],
    ['`#`, legacy template', bhytLegacy({ 14: '#' }), 'Trần Văn Thử'],
    ['`**##`, legacy template', bhytLegacy({ 14: '**##' }), 'Trần Văn Thử'],
    ['`#` right after the issue date (short, like a terminated scan)', throughIssueDate('#'), 'Trần Văn Thử'],
    ['`**##` right after the issue date', throughIssueDate('**##'), 'Trần Văn Thử'],
  ])('accepts the end tag %s like `$`', (_what, payload, name) => {
    const r = decode(payload);
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document.name).toBe(name);
  });

  it('still needs the fields through the issue date before a relayed end tag', () => {
    expect(codes(decode(`${bhytLegacy().split('|').slice(0, 8).join('|')}|**##`))).toEqual(['E_BHYT_FIELDS']);
  });

  it.each([
    ['a benefit digit (maHuong, as one hospital app names it) on a 10-digit card', bhytNew({ 14: '4' }), { benefitLevel: null }],
    ['another benefit digit on a 10-digit card', bhytNew({ 14: '2' }), { benefitLevel: null }],
    ['a benefit digit that disagrees with a legacy number', bhytLegacy({ 14: '2', 15: '$' }), { benefitLevel: 4 }],
  ])('does not read field 14 (%s): its meaning is unverified', (_what, payload, doc) => {
    const r = decode(payload);
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document).toMatchObject(doc);
  });
});
