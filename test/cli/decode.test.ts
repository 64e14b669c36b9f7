import { describe, expect, it } from 'vitest';
import { decodeScan } from '../../src/decode/index.js';
import { runCli } from '../helpers/cli.js';
import { bhytNew, cccd, NAME_F, VIETNAM } from '../helpers/payloads.js';

const AT = '2026-11-22T09:30:00+07:00';

describe('qrgate decode (as a real process)', () => {
  it('prints a readable identity and exits 0 for a valid card', async () => {
    const run = await runCli(['decode', '--at', AT, cccd()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('accepted');
    expect(run.stdout).toContain(NAME_F);
    expect(run.stdout).toMatch(/birthDate\s+1990-03-15/);
    expect(run.stderr).toBe('');
  });

  it('prints exactly the decoder result with --json', async () => {
    const run = await runCli(['decode', '--json', '--at', AT, bhytNew()]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(JSON.stringify(decodeScan(Buffer.from(bhytNew()), new Date(AT), VIETNAM))));
  });

  it('uses --at for the expiry check', async () => {
    const payload = bhytNew({ 7: '31/12/2025' });
    const before = await runCli(['decode', '--json', '--at', '2025-06-01T00:00:00+07:00', payload]);
    const after = await runCli(['decode', '--json', '--at', AT, payload]);
    expect((JSON.parse(before.stdout) as { warnings: unknown[] }).warnings).toEqual([]);
    expect(JSON.parse(after.stdout)).toMatchObject({ warnings: [{ code: 'W_CARD_EXPIRED' }] });
  });

  it("judges expiry by the date in --time-zone (default the kiosk's, Asia/Ho_Chi_Minh)", async () => {
    // The 23rd in Vietnam, still the 22nd in Los Angeles; the card is valid to the 22nd.
    const args = ['decode', '--json', '--at', '2026-11-23T04:00:00Z', bhytNew({ 7: '22/11/2026' })];
    const warnings = (run: { stdout: string }): unknown =>
      (JSON.parse(run.stdout) as { warnings: Array<{ code: string }> }).warnings.map((w) => w.code);
    expect(warnings(await runCli(args))).toEqual(['W_CARD_EXPIRED']);
    expect(warnings(await runCli([...args, '--time-zone', 'America/Los_Angeles']))).toEqual([]);
    expect((await runCli([...args, '--time-zone', 'Mars/Olympus'])).code).toBe(2);
  });

  it('exits 1 with the code and message on stderr for a rejected scan', async () => {
    const run = await runCli(['decode', '--json', '001190012345|012345678|Nguyễn Thị M']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'E_CCCD_FIELDS' });
    expect(run.stderr).toMatch(/E_CCCD_FIELDS: .*too few fields/);
  });

  it('shows the Vietnamese message with --lang vi, once (not again in English on stderr)', async () => {
    const run = await runCli(['decode', '--lang', 'vi', 'https://qr.tokhaiyte.vn/dkdd']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('bị từ chối  E_VENUE_QR\n  Đây là mã địa điểm, không phải giấy tờ cá nhân.\n');
    expect(run.stderr).toBe('');
  });

  it('labels the fields in Vietnamese with --lang vi', async () => {
    const run = await runCli(['decode', '--lang', 'vi', '--at', AT, cccd({ sex: 'Nam' })]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hợp lệ  thẻ căn cước');
    expect(run.stdout).toMatch(/Ngày sinh\s+1990-03-15/);
    expect(run.stdout).toMatch(/Họ tên\s+Nguyễn Thị Mẫu/);
    expect(run.stdout).toMatch(/Giới tính\s+Nam \(M\)/);
    expect(run.stdout).toContain('cảnh báo\n  W_SEX_MISMATCH (Giới tính)  Giới tính không khớp với số căn cước.');
    expect(run.stdout).not.toMatch(/birthDate|accepted/);
  });

  it('with --json, puts the reason once on stderr in the language asked', async () => {
    const run = await runCli(['decode', '--json', '--lang', 'vi', 'https://qr.tokhaiyte.vn/dkdd']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('qrgate: E_VENUE_QR: Đây là mã địa điểm, không phải giấy tờ cá nhân.\n');
  });

  it('reads the raw bytes from standard input when the payload is absent or "-"', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${cccd()}\r\n`), Buffer.from([0])]);
    for (const args of [
      ['decode', '--json'],
      ['decode', '--json', '-'],
    ]) {
      const run = await runCli(args, bytes);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, document: { number: '001190012345', name: NAME_F } });
    }
  });

  it('passes invalid UTF-8 from standard input through to the decoder (E_ENCODING, exit 1)', async () => {
    const run = await runCli(['decode', '--json'], Buffer.from([0x30, 0xff, 0x31]));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ code: 'E_ENCODING' });
  });

  it.each([
    ['an unknown option', ['decode', '--bogus', 'x']],
    ['an invalid --at', ['decode', '--at', 'yesterday', 'x']],
    ['an unknown language', ['decode', '--lang', 'fr', 'x']],
    ['an unknown command', ['decodee', 'x']],
    ['two payloads', ['decode', 'a', 'b']],
  ])('exits 2 on a usage error: %s', async (_what, args) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
  });

  it('exits 0 for --help and --version', async () => {
    const help = await runCli(['decode', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit status');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
