import { describe, expect, it } from 'vitest';
import { decodeScan, decodeTypedNumber, type DecodeResult } from '../../src/decode/index.js';
import { SCAN_TIME, VIETNAM } from '../helpers/payloads.js';

const decode = (text: string): DecodeResult => decodeScan(Buffer.from(text, 'utf8'), SCAN_TIME, VIETNAM);
const codes = (r: DecodeResult): string[] => (r.ok ? r.warnings.map((w) => w.code) : [r.code]);

describe('PC-Covid unified personal QR', () => {
  it('keeps a masked number and a masked birth date honest', () => {
    const r = decode('******012345|NGUYEN THI MAU|1990-**-**|0|163000000000000001|2<<0900000000<');
    expect(r).toEqual({
      ok: true,
      format: 'pccovid',
      warnings: [],
      document: {
        type: 'pccovid',
        number: '******012345',
        name: 'NGUYEN THI MAU',
        birthDate: '1990',
        sex: null,
        numberMasked: true,
        declaredOnBehalf: false,
        qid: '163000000000000001',
      },
    });
  });

  it('marks a "khai hộ" declaration and never carries the EXT field', () => {
    const r = decode('079305001234|LE MINH VI DU|2005-02-02|1|163000000000000002|163000000000000001<2<0900000000<<');
    expect(r.ok && r.document).toMatchObject({ declaredOnBehalf: true, numberMasked: false, birthDate: '2005-02-02' });
    expect(JSON.stringify(r)).not.toContain('0900000000');
  });

  it.each([
    ['a slash date', '079305001234|LE MINH VI DU|2005/2/2|0|1|', { birthDate: '2005-02-02' }],
    ['a fully masked birth date', '079305001234|LE MINH VI DU|****-**-**|0|1|', { birthDate: null }],
    ['a 9-digit CMND', '012345678|LE MINH VI DU|2005-02-02|0|1|', { number: '012345678' }],
    [
      'a slashed birth date without padding (1989/3/3)',
      '012345678|NGUYEN VAN MAU|1989/3/3|0|163000000000000001|',
      { birthDate: '1989-03-03' },
    ],
    [
      'a masked 9-digit CMND (******509)',
      '******509|NGUYEN VAN MAU|1989/3/3|0|163000000000000001|',
      { number: '******509', numberMasked: true, birthDate: '1989-03-03' },
    ],
    [
      'a masked CMND with a masked birth date',
      '******509|NGUYEN VAN MAU|1989-**-**|1|163000000000000001|',
      { number: '******509', numberMasked: true, birthDate: '1989', declaredOnBehalf: true },
    ],
  ])('accepts %s', (_what, payload, expected) => {
    const r = decode(payload);
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document).toMatchObject(expected);
  });

  it('cross-checks the birth year of an unmasked 12-digit number', () => {
    expect(codes(decode('079305001234|LE MINH VI DU|2006-02-02|0|1|'))).toEqual(['W_BIRTH_YEAR_MISMATCH']);
  });

  it('rejects a number that is all mask with E_PCCOVID_FIELDS', () => {
    expect(codes(decode('************|LE MINH VI DU|2005-02-02|0|1|'))).toEqual(['E_PCCOVID_FIELDS']);
  });
});

describe('a bare personal ID number', () => {
  it('reads the birth year and sex the number encodes', () => {
    expect(decode('079305001234')).toEqual({
      ok: true,
      format: 'id-number',
      warnings: [],
      document: { type: 'id-number', number: '079305001234', name: null, birthDate: '2005', sex: 'F' },
    });
  });

  it.each(['001 190 012 345', '001.190.012.345', '001-190-012-345'])('accepts the typed grouping %s', (typed) => {
    expect(decode(typed)).toMatchObject({ ok: true, document: { number: '001190012345' } });
  });

  it.each([
    ['11 digits', '00119001234'],
    ['13 digits (an EAN-13 product barcode)', '8934567890123'],
  ])('rejects %s with E_ID_NUMBER', (_what, typed) => {
    expect(codes(decode(typed))).toEqual(['E_ID_NUMBER']);
  });

  it('warns on an unknown province prefix', () => {
    expect(codes(decode('003190012345'))).toEqual(['W_UNKNOWN_PROVINCE']);
  });
});

describe('QRs that are not identities', () => {
  it.each([
    ['an EU vaccine certificate', 'HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IUKRG*I.I6'],
    ['a lower-case hc1: prefix', 'hc1:NCFOXN%TS3DH'],
    ['any other web link', 'https://example.org/checkin?id=1'],
    ['an unparsable URL', 'http://[::bad'],
  ])('rejects %s with E_NOT_IDENTITY', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_NOT_IDENTITY']);
  });

  it.each([
    'https://qr.tokhaiyte.vn/dkdd',
    'HTTPS://QR.PCCOVID.GOV.VN/ksvrbm?code=123',
    'https://tokhaiyte.vn/?page=Project.TKYT.destinationRegister',
  ])('rejects the COVID venue QR %s with E_VENUE_QR', (payload) => {
    expect(codes(decode(payload))).toEqual(['E_VENUE_QR']);
  });

  it.each([
    ['a provisioning QR', 'QRGATE-PROVISION:1:0a1b2c3d:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8'],
    ['a provisioning QR read with caps lock on', 'qrgate-provision:1:0A1B2C3D:aaecawqf'],
    ['a bare provisioning prefix', 'QRGATE-PROVISION:'],
  ])('rejects %s with E_PROVISIONING_QR, never as an identity', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_PROVISIONING_QR']);
  });

  it('does not treat a look-alike host as a venue', () => {
    expect(codes(decode('https://tokhaiyte.vn.example.org/x'))).toEqual(['E_NOT_IDENTITY']);
  });

  it.each([
    ['free text', 'hello world'],
    ['pipes without a known shape', 'a|b|c|d'],
    ['a vCard', 'BEGIN:VCARD\nFN:Test\nEND:VCARD'],
  ])('rejects %s with E_UNRECOGNIZED', (_what, payload) => {
    expect(codes(decode(payload))).toEqual(['E_UNRECOGNIZED']);
  });
});

describe('a number typed at the manual entry (decodeTypedNumber)', () => {
  const typed = (text: string): DecodeResult => decodeTypedNumber(text, { scannedAt: SCAN_TIME, utcOffsetMinutes: 420 });

  it.each([
    ['a 12-digit personal ID number, grouped', '079 305 001 234', 'id-number', { number: '079305001234', birthDate: '2005' }],
    [
      'the 10-digit BHXH number of a 2021+ card',
      '0123456789',
      'bhyt',
      { number: '0123456789', socialInsuranceNumber: '0123456789', objectCode: null, benefitLevel: null },
    ],
    [
      'the 15-character card number',
      'HS4010123456789',
      'bhyt',
      { number: 'HS4010123456789', objectCode: 'HS', benefitLevel: 4, provinceCode: '01', socialInsuranceNumber: '0123456789' },
    ],
    ['the card number with the spaces printed on the card', 'HS 4 01 0123456789', 'bhyt', { number: 'HS4010123456789' }],
    ['the card number in lower case with dashes', 'hs-4-01-0123456789', 'bhyt', { number: 'HS4010123456789' }],
    ['the 10-digit number grouped', '01 2345 6789', 'bhyt', { number: '0123456789' }],
  ])('accepts %s', (_what, text, format, doc) => {
    const r = typed(text);
    expect(r.ok && r.format).toBe(format);
    expect(r.ok && r.document).toMatchObject({ name: null, ...doc });
  });

  it('keeps the card-number warnings of a typed legacy number', () => {
    const r = typed('DN7010123456789');
    expect(codes(r)).toEqual(['W_BHYT_LEGACY_BENEFIT']);
  });

  it.each([
    ['11 digits', '01234567890'],
    ['province 00', 'HS4000123456789'],
    ['letters only', 'HSHSHS'],
    ['a 16-digit run', '0123456789012345'],
    ['empty', ''],
  ])('rejects %s with E_MANUAL_NUMBER', (_what, text) => {
    expect(codes(typed(text))).toEqual(['E_MANUAL_NUMBER']);
  });

  it('leaves a scanned bare 10-digit string as it was (E_ID_NUMBER): only typing accepts it', () => {
    expect(codes(decode('0123456789'))).toEqual(['E_ID_NUMBER']);
  });
});
