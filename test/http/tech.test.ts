import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { bhytLegacy, cccd, NAME_F } from '../helpers/payloads.js';
import { TEST_ZONE } from '../helpers/clock.js';
import { login, startApp, type Harness } from './harness.js';

/** The daemon's own day, read from its clock in its zone: the same answer at any hour on any machine. */
function today(h: Harness): string {
  return TEST_ZONE.date(h.clock.now());
}

describe('technician tools', () => {
  it('summarises the kiosk: versions, uptime, disk, store, clock, broker, scanners, rejects by code, redacted config', async () => {
    const h = await startApp();
    h.scanners.get('gate')?.scan('hello');
    h.scanners.get('gate')?.scan('https://example.com');
    h.scanners.get('gate')?.scan('hello again');
    const res = await h.app.http.inject({ url: '/api/tech/summary', headers: { cookie: await login(h) } });
    expect(res.statusCode).toBe(200);
    const s = res.json<Record<string, unknown>>();
    expect(s).toMatchObject({
      versions: { qrgate: expect.any(String) as unknown, node: process.version },
      disk: { freeBytes: expect.any(Number) as unknown, totalBytes: expect.any(Number) as unknown },
      store: { pending: 0, lastSeq: 0, alarms: [] },
      clock: { synced: true, mode: 'true' },
      mqtt: { state: 'disabled' },
      scanners: [{ id: 'gate', state: 'connected', detail: 'test scanner' }],
      rejects: {
        byCode: [
          { code: 'E_UNRECOGNIZED', count: 2 },
          { code: 'E_NOT_IDENTITY', count: 1 },
        ],
      },
      config: { device: { id: 'kiosk-1' }, http: { passwordHashFile: expect.stringMatching(/tech\.hash$/) as unknown } },
    });
  });

  it('decodes a pasted payload for the technician, with codes and texts', async () => {
    const h = await startApp();
    const cookie = await login(h);
    const ok = await h.app.http.inject({
      method: 'POST',
      url: '/api/tech/decode',
      headers: { cookie },
      payload: { payload: cccd(), at: '2026-11-22T09:30:00+07:00' },
    });
    expect(ok.json()).toMatchObject({
      ok: true,
      format: 'cccd',
      document: { type: 'cccd', number: '001190012345', name: NAME_F },
      warnings: [],
    });
    const bad = await h.app.http.inject({ method: 'POST', url: '/api/tech/decode', headers: { cookie }, payload: { payload: 'hello' } });
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'E_UNRECOGNIZED', vi: expect.any(String) as unknown } });
    const logged = h.logLines().filter((l) => l.event === 'decode-test');
    expect(logged.map((l) => l.ok)).toEqual([true, false]);
    expect(h.logText()).not.toContain('001190012345');
  });

  it("judges a pasted card's expiry by the kiosk's zone (clock.timeZone), as a real scan would be", async () => {
    // 2026-11-23 04:00 UTC: the 23rd in Vietnam, still the 22nd in Los Angeles; the card is valid to the 22nd.
    const body = { payload: bhytLegacy({ 7: '22/11/2026' }), at: '2026-11-23T04:00:00Z' };
    const verdict = async (h: Harness): Promise<unknown> => {
      const res = await h.app.http.inject({ method: 'POST', url: '/api/tech/decode', headers: { cookie: await login(h) }, payload: body });
      return res.json<{ warnings: Array<{ code: string }> }>().warnings.map((w) => w.code);
    };
    expect(await verdict(await startApp())).toEqual(['W_CARD_EXPIRED']);
    expect(await verdict(await startApp({ config: { clock: { synced: true, timeZone: 'America/Los_Angeles' } } }))).toEqual([]);
  });

  it('exports a day as CSV, masked by default', async () => {
    const h = await startApp();
    h.scanners.get('gate')?.scan(cccd());
    h.scanners.get('gate')?.scan(cccd({ number: '048095000777', name: '=HYPERLINK("http://x")' }));
    const res = await h.app.http.inject({ url: `/api/tech/export.csv?day=${today(h)}`, headers: { cookie: await login(h) } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="qrgate-kiosk-1-${today(h)}.csv"`);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('"seq","id","scannedAt","direction","scanner","type","name","number","manual","auto","clockSynced","warnings"');
    expect(lines[1]).toContain('"Nguyễn T. M.","•••• •••• 2345"');
    expect(res.body).not.toContain('001190012345');
    expect(res.body).not.toContain(NAME_F);
    expect(h.logLines().filter((l) => l.event === 'export')).toMatchObject([
      { day: today(h), rows: 2, session: expect.any(String) as unknown },
    ]);
  });

  it('exports full names and numbers only when asked, and logs who asked, never the data', async () => {
    const h = await startApp();
    h.scanners.get('gate')?.scan(cccd());
    h.scanners.get('gate')?.scan(cccd({ number: '048095000777', name: '=HYPERLINK("http://x")' }));
    const res = await h.app.http.inject({ url: `/api/tech/export.csv?day=${today(h)}&full=true`, headers: { cookie: await login(h) } });
    expect(res.body).toContain(`"${NAME_F}","001190012345"`);
    // A formula in a card's name is neutralised for spreadsheets.
    expect(res.body).toContain(`"'=HYPERLINK(""http://x"")"`);
    const logged = h.logLines().filter((l) => l.event === 'export-full');
    expect(logged).toMatchObject([
      { level: 'warn', day: today(h), rows: 2, session: expect.stringMatching(/^[0-9a-f]{8}$/) as unknown, ip: '127.0.0.1' },
    ]);
    expect(h.logText()).not.toContain('001190012345');
    expect(h.logText()).not.toContain(NAME_F);
  });

  it('exports a check-in whose sealed document no longer opens as a line with its seq, id and E_STORE_UNREADABLE, and the others as usual', async () => {
    const h = await startApp();
    h.scanners.get('gate')?.scan(cccd());
    h.scanners.get('gate')?.scan(cccd({ number: '048095000777' }));
    await vi.waitFor(() => expect(h.app.store.lastSeq()).toBe(2));
    const raw = new Database(join(h.dir, 'qrgate.db'));
    raw.prepare('UPDATE checkins SET sealed = randomblob(length(sealed)) WHERE seq = 1').run();
    const id = raw.prepare('SELECT id FROM checkins WHERE seq = 1').pluck().get() as string;
    raw.close();
    const res = await h.app.http.inject({ url: `/api/tech/export.csv?day=${today(h)}`, headers: { cookie: await login(h) } });
    expect(res.statusCode).toBe(200);
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[1]).toBe(`"1","${id}","","","","","","","","","","E_STORE_UNREADABLE"`);
    expect(lines[2]).toMatch(/^"2",.*"•••• •••• 0777"/);
  });

  it('rejects a day that is not a calendar date', async () => {
    const h = await startApp();
    const res = await h.app.http.inject({ url: '/api/tech/export.csv?day=2026-02-30', headers: { cookie: await login(h) } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'E_HTTP_BAD_REQUEST' });
  });
});
