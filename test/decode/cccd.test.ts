import { describe, expect, it } from 'vitest';
import { decodeScan, type CccdDocument, type DecodeResult } from '../../src/decode/index.js';
import { ADDRESS, cccd, NAME_F, SCAN_TIME, VIETNAM } from '../helpers/payloads.js';

const decode = (text: string, at = SCAN_TIME): DecodeResult => decodeScan(Buffer.from(text, 'utf8'), at, VIETNAM);
const codes = (r: DecodeResult): string[] => (r.ok ? r.warnings.map((w) => w.code) : [r.code]);

describe('CCCD / Căn cước QR', () => {
  it('decodes the standard seven-field card QR into the document contract', () => {
    const r = decode(cccd());
    expect(r).toEqual({
      ok: true,
      format: 'cccd',
      warnings: [],
      document: {
        type: 'cccd',
        number: '001190012345',
        oldNumber: '012345678',
        name: NAME_F,
        birthDate: '1990-03-15',
        sex: 'F',
        address: ADDRESS,
        issuedOn: '2021-04-20',
        extra: [],
      } satisfies CccdDocument,
    });
  });

  it.each([
    [
      'an empty old CMND field',
      cccd({ number: '048095000777', oldNumber: '', name: 'Trần Văn Thử', birth: '01011995', sex: 'Nam', issued: '10052022' }),
      { oldNumber: null, sex: 'M', birthDate: '1995-01-01' },
    ],
    [
      'a 2024 Căn cước card with four empty trailing fields',
      cccd({ number: '079305001234', oldNumber: '', name: 'Lê Minh Ví Dụ', birth: '02022005', issued: '15082024' }, ['', '', '', '']),
      { extra: ['', '', '', ''], issuedOn: '2024-08-15' },
    ],
    ['non-empty trailing fields, kept raw and untrimmed', cccd({}, [' x ', 'y']), { extra: [' x ', 'y'] }],
    [
      'spaces around every field',
      cccd({ number: ' 001190012345 ', name: '  Nguyễn  Thị Mẫu ', sex: ' Nữ ' }),
      { number: '001190012345', name: NAME_F, sex: 'F' },
    ],
    ['upper-case sex words', cccd({ sex: 'NỮ' }), { sex: 'F' }],
    [
      'dd/mm/yyyy dates in the seven-field layout',
      cccd({ birth: '15/03/1990', issued: '20-04-2021' }),
      { birthDate: '1990-03-15', issuedOn: '2021-04-20' },
    ],
    ['a year-only birth date', cccd({ birth: '1990' }), { birthDate: '1990' }],
    ['a month-and-year birth date, kept as the year', cccd({ birth: '031990' }), { birthDate: '1990' }],
  ])('accepts %s without warnings', (_what, payload, expected) => {
    const r = decode(payload);
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document).toMatchObject(expected);
  });

  it('accepts the six-field dd/mm/yyyy variant with a warning', () => {
    const r = decode('079305001234|Lê Minh Ví Dụ|02/02/2005|Nữ|Số 9 Đường Giả Định, Phường Mẫu|15/08/2024');
    expect(r.ok && r.format).toBe('cccd-6');
    expect(codes(r)).toEqual(['W_CCCD_6_FIELDS']);
    expect(r.ok && r.document).toMatchObject({
      number: '079305001234',
      oldNumber: null,
      name: 'Lê Minh Ví Dụ',
      birthDate: '2005-02-02',
      sex: 'F',
      issuedOn: '2024-08-15',
      extra: [],
    });
  });

  it.each([
    [
      'compact ddmmyyyy dates',
      '079090001234|Trần Văn Mẫu|01011990|Nam|Phường Thử, TP HCM|15082021',
      { birthDate: '1990-01-01', issuedOn: '2021-08-15', sex: 'M' },
    ],
    [
      'slashed dates',
      '079305001234|Lê Minh Ví Dụ|02/02/2005|Nữ|Số 9 Đường Giả Định, Phường Mẫu|15/08/2024',
      { birthDate: '2005-02-02', issuedOn: '2024-08-15', sex: 'F' },
    ],
  ])('accepts the six-field variant with %s like the other (W_CCCD_6_FIELDS, no old number)', (_what, payload, doc) => {
    const r = decode(payload);
    expect(r.ok && r.format).toBe('cccd-6');
    expect(codes(r)).toEqual(['W_CCCD_6_FIELDS']);
    expect(r.ok && r.document).toMatchObject({ oldNumber: null, extra: [], ...doc });
  });

  it.each([
    [
      'a date in the name field (a column missing before it)',
      '079090001234|012345678|01011990|Trần Văn Mẫu|Nam|Phường Thử, TP HCM|15082021',
    ],
    ['digits in the name field', cccd({ name: 'Nguyễn Thị 2' })],
    ['the old number where the name belongs', cccd({ name: '012345678' })],
    ['an invented eleven-field order with the name in field 1', '079090001234|Trần Văn Mẫu|01011990|Nam|Phường Thử, TP HCM|15082021|||||'],
    ['six fields with the birth date right after the number', '079090001234|01011990|Trần Văn Mẫu|Nam|Phường Thử, TP HCM|15082021'],
    ['the six-field variant with digits in its name', '079090001234|Trần Văn 1990|01011990|Nam|Phường Thử, TP HCM|15082021'],
  ])('rejects %s with E_CCCD_LAYOUT, never storing it as a name', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_CCCD_LAYOUT']);
  });

  it.each([
    ['a scan cut inside the name', '001190012345|012345678|Nguyễn Thị M'],
    ['the number alone with a separator', '001190012345|'],
    ['six fields in the card order (issue date missing)', cccd().split('|').slice(0, 6).join('|')],
  ])('rejects %s with E_CCCD_FIELDS', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_CCCD_FIELDS']);
  });

  it.each([
    ['11 digits', cccd({ number: '00119001234' })],
    ['13 digits', cccd({ number: '0011900123456' })],
    ['a letter', cccd({ number: '00119001234O' })],
  ])('rejects a card whose number has %s with E_CCCD_NUMBER', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_CCCD_NUMBER']);
  });

  it.each([
    ['W_DATE_INVALID on 31 February', cccd({ birth: '31022000', number: '001100012345' }), ['W_DATE_INVALID'], { birthDate: null }],
    ['W_BIRTH_IN_FUTURE', cccd({ number: '001330012345', birth: '01012030', issued: '' }), ['W_BIRTH_IN_FUTURE'], {}],
    ['W_ISSUED_BEFORE_BIRTH', cccd({ issued: '01011989' }), ['W_ISSUED_BEFORE_BIRTH', 'W_ISSUED_BEFORE_CHIP'], {}],
    ['W_ISSUED_IN_FUTURE', cccd({ issued: '01012027' }), ['W_ISSUED_IN_FUTURE'], {}],
    ['W_ISSUED_BEFORE_CHIP', cccd({ issued: '22012021' }), ['W_ISSUED_BEFORE_CHIP'], {}],
    ['W_SEX_MISMATCH when the century digit says female and the card says Nam', cccd({ sex: 'Nam' }), ['W_SEX_MISMATCH'], { sex: 'M' }],
    ['W_BIRTH_YEAR_MISMATCH when YY differs', cccd({ birth: '15031991' }), ['W_BIRTH_YEAR_MISMATCH'], {}],
    ['W_BIRTH_YEAR_MISMATCH when the century differs', cccd({ number: '001390012345' }), ['W_BIRTH_YEAR_MISMATCH'], {}],
    ['W_UNKNOWN_PROVINCE for prefix 003', cccd({ number: '003190012345' }), ['W_UNKNOWN_PROVINCE'], {}],
    ['no province warning for a country code (birth abroad)', cccd({ number: '201190012345' }), [], {}],
    ['W_DIACRITICS_LOST for Nu', cccd({ sex: 'Nu' }), ['W_DIACRITICS_LOST'], { sex: 'F' }],
    [
      'W_DIACRITICS_LOST when letters were dropped',
      cccd({ name: 'Nguyn Th Mu', sex: 'N', address: 'So 1 Duong Thu Nghiem' }),
      ['W_DIACRITICS_LOST'],
      { sex: 'F' },
    ],
    ['W_DIACRITICS_LOST when the scanner typed ?', cccd({ name: 'Nguy?n Th? M?u' }), ['W_DIACRITICS_LOST'], {}],
    [
      'W_DIACRITICS_LOST when name and address are plain ASCII',
      cccd({ name: 'Nguyen Thi Mau', address: 'So 1 Duong Thu Nghiem, Ha Noi' }),
      ['W_DIACRITICS_LOST'],
      {},
    ],
    ['W_FIELD_FORMAT for an unknown sex word', cccd({ sex: 'X' }), ['W_FIELD_FORMAT'], { sex: null }],
    ['W_FIELD_FORMAT for letters in the old number', cccd({ oldNumber: 'A12345678' }), ['W_FIELD_FORMAT'], {}],
    ['W_FIELD_FORMAT for an empty name', cccd({ name: '' }), ['W_FIELD_FORMAT'], { name: null }],
  ])('warns %s', (_what, payload, expected, doc) => {
    const r = decode(payload);
    expect(r.ok).toBe(true);
    expect(codes(r)).toEqual(expected);
    expect(r.ok && r.document).toMatchObject(doc);
  });

  it('does not flag a plain-ASCII name as damaged when the address keeps its diacritics', () => {
    expect(codes(decode(cccd({ name: 'Mai Anh Linh' })))).toEqual([]);
  });

  it('points field warnings at their field', () => {
    const r = decode(cccd({ birth: '31022000' }));
    expect(r.ok && r.warnings.find((w) => w.code === 'W_DATE_INVALID')?.field).toBe('birthDate');
  });

  it('compares the birth date with the scan day in Vietnam time, not UTC', () => {
    // 2030-01-01 00:30 at UTC+7 is still 2029-12-31 in UTC.
    const payload = cccd({ number: '001330012345', birth: '01012030', issued: '' });
    expect(codes(decode(payload, new Date('2030-01-01T00:30:00+07:00')))).toEqual([]);
    expect(codes(decode(payload, new Date('2029-12-31T23:30:00+07:00')))).toEqual(['W_BIRTH_IN_FUTURE']);
  });

  it('does not read the old CMND number as the name (a known wrong six-field mapping)', () => {
    const r = decode(cccd());
    expect(r.ok && r.document.name).toBe(NAME_F);
  });
});
