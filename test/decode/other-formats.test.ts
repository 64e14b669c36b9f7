import { describe, expect, it } from 'vitest';
import { decodeScan, type DecodeResult } from '../../src/decode/index.js';
import { SCAN_TIME } from '../helpers/payloads.js';

const decode = (text: string): DecodeResult => decodeScan(Buffer.from(text, 'utf8'), SCAN_TIME);
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
