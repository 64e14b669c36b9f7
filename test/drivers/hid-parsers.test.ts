/** HID-POS reassembly and boot-keyboard decoding from recorded report bytes, through the pure parsers. */
import { describe, expect, it } from 'vitest';
import { BootKeyboardParser } from '../../drivers/hid/boot-report.js';
import { HidPosAssembler, type PosOutput } from '../../drivers/hid/pos-report.js';
import { KeyboardDecoder, altCodeChar } from '../../drivers/keymap/keyboard-decoder.js';
import { KEYBOARD_AB1_BANG, kbd, MOD, POS_SHORT_SCAN, posReports, split8, wedgeReports } from '../fixtures/hid-reports.js';

const CCCD = '001190012345|012345678|Nguyễn Thị Mẫu|15031990|Nữ|Số 1 Đường Thử Nghiệm, Phường Mẫu, Quận Ví Dụ, Thành phố Hà Nội|20042021';
const NAME_HEX = '4e677579e1bb856e205468e1bb8b204de1baab75';
const ADDR_HEX = '5175e1baad6e2056c3ad2044e1bba52c205468c3a06e68207068e1bb912048c3a0204ee1bb9969';
// A 300-character BHYT payload: the new 17-token template with long hex fields.
const BHYT_300 = `0199900123|${NAME_HEX}|15/03/1990|2|-|01 - 999|01/01/2025|-|01/01/2025|01050199900123|${NAME_HEX}|4| 01/01/2030|0000000000000000-0000|4|${ADDR_HEX}${ADDR_HEX.slice(0, 26)}|$`;

function assemble(reports: Uint8Array[], max = 4096): PosOutput[] {
  const a = new HidPosAssembler(max);
  const out: PosOutput[] = [];
  for (const r of reports) a.push(r, (o) => out.push(o));
  return out;
}
const text = (o: PosOutput | undefined) => (o?.kind === 'frame' ? Buffer.from(o.bytes).toString('utf8') : null);

function typeReports(reports: Uint8Array[]): { text: string; enters: number } {
  let out = '';
  let enters = 0;
  const decoder = new KeyboardDecoder({ text: (c) => (out += c), enter: () => enters++ });
  const parser = new BootKeyboardParser();
  for (const r of reports) {
    for (const e of parser.push(r)) {
      if (e.down) decoder.keyDown(e.usage);
      else decoder.keyUp(e.usage);
    }
  }
  return { text: out, enters };
}

describe('HID-POS reports', () => {
  it('decodes a recorded single-report scan and keeps the AIM id apart', () => {
    const out = assemble([POS_SHORT_SCAN]);
    expect(out).toHaveLength(1);
    expect(text(out[0])).toBe('001190012345');
    expect(out[0]).toMatchObject({ kind: 'frame', aim: ']Q1' });
  });

  it('reassembles a multi-report CCCD scan byte-exact (UTF-8 split across reports)', () => {
    const bytes = Buffer.from(CCCD, 'utf8');
    const reports = posReports(bytes);
    expect(reports.length).toBe(Math.ceil(bytes.length / 56));
    expect(text(assemble(reports)[0])).toBe(CCCD);
  });

  it('reassembles a 300-character BHYT payload, with or without the report id, and strips a CR suffix', () => {
    expect(BHYT_300.length).toBe(300);
    const bytes = Buffer.from(BHYT_300, 'utf8');
    expect(text(assemble(posReports(bytes))[0])).toBe(BHYT_300);
    expect(text(assemble(posReports(bytes, { reportId: false }))[0])).toBe(BHYT_300);
    expect(text(assemble(posReports(bytes, { suffix: Uint8Array.of(0x0d) }))[0])).toBe(BHYT_300);
  });

  it('back-to-back scans come out separately', () => {
    const a = posReports(Buffer.from('first'));
    const b = posReports(Buffer.from(CCCD), { aim: ']Q0' });
    const out = assemble([...a, ...b]);
    expect(out.map(text)).toEqual(['first', CCCD]);
    expect(out.map((o) => (o.kind === 'frame' ? o.aim : null))).toEqual([']Q1', ']Q0']);
  });

  it('a scan over maxFrameBytes is discarded and reported once, and the next scan is clean', () => {
    const out = assemble([...posReports(Buffer.alloc(300, 0x41)), ...posReports(Buffer.from('ok'))], 128);
    expect(out.map((o) => o.kind)).toEqual(['overflow', 'overflow-end', 'frame']);
    expect(text(out[2])).toBe('ok');
  });

  it('ignores reports too short to be scanned data', () => {
    expect(assemble([Uint8Array.of(0x02, 0x00)])).toEqual([]);
  });
});

describe('boot-keyboard reports', () => {
  it('decodes a recorded sequence with shift and Enter', () => {
    expect(typeReports(split8(KEYBOARD_AB1_BANG))).toEqual({ text: 'Ab1!', enters: 1 });
  });

  it('decodes a full Vietnamese name typed as Alt+numpad code points', () => {
    const r = typeReports(wedgeReports('Nguyễn Thị Mẫu'));
    expect(r).toEqual({ text: 'Nguyễn Thị Mẫu', enters: 1 });
  });

  it('decodes a whole CCCD payload typed by a wedge scanner in Unicode mode', () => {
    expect(typeReports(wedgeReports(CCCD)).text).toBe(CCCD);
  });

  it('decodes a 300-character BHYT payload (all ASCII, many reports)', () => {
    const reports = wedgeReports(BHYT_300);
    expect(reports.length).toBeGreaterThan(600);
    expect(typeReports(reports)).toEqual({ text: BHYT_300, enters: 1 });
  });

  it('handles shift moving straight to the next key, caps lock, and ignores Ctrl shortcuts', () => {
    expect(typeReports([kbd(MOD.LSHIFT, 0x04), kbd(0, 0x05), kbd(0)]).text).toBe('Ab');
    expect(typeReports([kbd(0, 0x39), kbd(0), kbd(0, 0x04), kbd(MOD.LSHIFT, 0x05), kbd(0)]).text).toBe('Ab');
    expect(typeReports([kbd(MOD.LCTRL, 0x06), kbd(0)]).text).toBe('');
  });

  it('skips a phantom (rollover error) report and accepts a 9-byte report with a report id', () => {
    expect(typeReports([kbd(0, 1, 1, 1, 1, 1, 1), Uint8Array.of(1, 0, 0, 0x04, 0, 0, 0, 0, 0), kbd(0)]).text).toBe('a');
  });

  it('Alt codes: leading-zero 0128–0159 are Windows-1252, the rest Unicode, invalid ones U+FFFD', () => {
    expect(altCodeChar('0128')).toBe('€');
    expect(altCodeChar('7877')).toBe('ễ');
    expect(altCodeChar('233')).toBe('é');
    expect(altCodeChar('55296')).toBe('\ufffd');
  });
});
