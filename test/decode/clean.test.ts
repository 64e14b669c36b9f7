import { describe, expect, it } from 'vitest';
import { decodeScan, MAX_SCAN_BYTES, type DecodeResult } from '../../src/decode/index.js';
import { cccd, NAME_F, SCAN_TIME, VIETNAM } from '../helpers/payloads.js';

const decodeBytes = (bytes: Uint8Array): DecodeResult => decodeScan(bytes, SCAN_TIME, VIETNAM);
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const codes = (r: DecodeResult): string[] => (r.ok ? r.warnings.map((w) => w.code) : [r.code]);

/** Windows-1252's printable characters at 0x80–0x9F (the five undefined bytes pass through as C1 controls). */
const CP1252: Record<number, string> = {
  0x80: '€',
  0x82: '‚',
  0x83: 'ƒ',
  0x84: '„',
  0x85: '…',
  0x86: '†',
  0x87: '‡',
  0x88: 'ˆ',
  0x89: '‰',
  0x8a: 'Š',
  0x8b: '‹',
  0x8c: 'Œ',
  0x8e: 'Ž',
  0x91: '‘',
  0x92: '’',
  0x93: '“',
  0x94: '”',
  0x95: '•',
  0x96: '–',
  0x97: '—',
  0x98: '˜',
  0x99: '™',
  0x9a: 'š',
  0x9b: '›',
  0x9c: 'œ',
  0x9e: 'ž',
  0x9f: 'Ÿ',
};

/** What a bridge that reads UTF-8 as Windows-1252 (or Latin-1) and writes UTF-8 back makes of a text. */
function mojibake(text: string, charset: 'cp1252' | 'latin1' = 'cp1252'): string {
  return [...utf8(text)].map((b) => (charset === 'cp1252' ? CP1252[b] : undefined) ?? String.fromCharCode(b)).join('');
}

describe('cleaning the raw scan bytes', () => {
  const clean = decodeBytes(utf8(cccd()));

  it.each([
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(cccd())])],
    ['CRLF', utf8(`${cccd()}\r\n`)],
    ['a lone CR', utf8(`${cccd()}\r`)],
    ['spaces and tabs around', utf8(` \t${cccd()} \n`)],
    ['trailing NULs', Buffer.concat([utf8(cccd()), Buffer.from([0, 0, 0])])],
    ['garbage after a NUL', Buffer.concat([utf8(cccd()), Buffer.from([0, 0xff, 0xfe, 0x41])])],
    ['BOM, CRLF and NUL together', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(`${cccd()}\r\n`), Buffer.from([0])])],
  ])('gives the same result with %s', (_what, bytes) => {
    expect(decodeBytes(bytes)).toEqual(clean);
  });

  it('normalises decomposed (NFD) text to NFC', () => {
    const r = decodeBytes(utf8(cccd().normalize('NFD')));
    expect(r).toEqual(clean);
    expect(r.ok && r.document.name).toBe(NAME_F.normalize('NFC'));
  });

  it('repairs UTF-8 that was read as Windows-1252, with W_MOJIBAKE_REPAIRED', () => {
    const damaged = mojibake(cccd());
    expect(damaged).toContain('Nguyá»…n');
    const r = decodeBytes(utf8(damaged));
    expect(codes(r)).toEqual(['W_MOJIBAKE_REPAIRED']);
    expect(r.ok && r.document.name).toBe(NAME_F);
  });

  it('repairs UTF-8 that was read as Latin-1 too', () => {
    const r = decodeBytes(utf8(mojibake(cccd(), 'latin1')));
    expect(codes(r)).toEqual(['W_MOJIBAKE_REPAIRED']);
    expect(r.ok && r.document.name).toBe(NAME_F);
  });

  it('repairs a mojibake BOM as well', () => {
    const r = decodeBytes(utf8(mojibake(`\uFEFF${cccd()}`)));
    expect(r.ok && r.document.number).toBe('001190012345');
  });

  it('leaves genuine Latin-1-range Vietnamese alone (Lê, Hà are not mojibake)', () => {
    const r = decodeBytes(utf8(cccd({ name: 'Lê Hà', address: 'Hà Nội' })));
    expect(codes(r)).toEqual([]);
    expect(r.ok && r.document.name).toBe('Lê Hà');
  });

  it.each([
    ['a lone continuation byte', Buffer.from([0x30, 0x80, 0x31])],
    ['Windows-1258 bytes', Buffer.concat([utf8('001190012345|012345678|Nguy'), Buffer.from([0xd2, 0x6e]), utf8('|15031990|N')])],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
    ['a UTF-16 surrogate encoded in UTF-8', Buffer.from([0xed, 0xa0, 0x80])],
  ])('rejects %s with E_ENCODING', (_what, bytes) => {
    expect(codes(decodeBytes(bytes))).toEqual(['E_ENCODING']);
  });

  it.each([
    ['nothing', Buffer.alloc(0)],
    ['only CRLF', utf8('\r\n')],
    ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf])],
    ['a NUL first', Buffer.from([0, 0x41])],
    ['Unicode spaces only', utf8('\u00a0\u3000')],
  ])('rejects %s with E_EMPTY', (_what, bytes) => {
    expect(codes(decodeBytes(bytes))).toEqual(['E_EMPTY']);
  });

  it('accepts exactly 4096 bytes and rejects 4097 with E_TOO_LONG', () => {
    const body = `${'1'.repeat(12)}|`;
    const at = (n: number): Buffer => utf8(body + 'x'.repeat(n - body.length));
    expect(codes(decodeBytes(at(MAX_SCAN_BYTES)))).not.toEqual(['E_TOO_LONG']);
    expect(codes(decodeBytes(at(MAX_SCAN_BYTES + 1)))).toEqual(['E_TOO_LONG']);
  });

  it('does not count the terminator against the limit', () => {
    const payload = `${'1'.repeat(12)}|${'x'.repeat(MAX_SCAN_BYTES - 13)}`;
    expect(codes(decodeBytes(utf8(`${payload}\r\n`)))).not.toEqual(['E_TOO_LONG']);
  });

  it('gives every rejection a message free of the payload', () => {
    const r = decodeBytes(utf8('001190012345|012345678|Nguyễn Thị M'));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).not.toMatch(/001190012345|Nguyễn/);
  });
});
