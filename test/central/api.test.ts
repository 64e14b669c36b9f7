/**
 * The operator API through fastify's inject on a running central: roles, the session cookie, tracer queries (JSON and
 * CSV) with their audit, contacts within the window, and that no personal data reaches a viewer or the metrics.
 */
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { afterThisTest } from '../helpers/after-test.js';
import { tempDir } from '../helpers/tmp.js';
import { addKiosk, login, startCentral, startKiosk, T0, until, type CentralHarness } from './harness.js';

/** RFC 3339 with an explicit offset (the fleet's zone: +07:00). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const at = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().replace('Z', '+07:00');

async function seeded(): Promise<CentralHarness> {
  const h = await startCentral();
  const a = await startKiosk(h, 'hq', 'gate-a');
  const b = await startKiosk(h, 'hq', 'gate-b');
  const c = await startKiosk(h, 'branch', 'gate-c');
  await until(() => h.app.tracker.all().filter((s) => s.state === 'online').length === 3, 'three kiosks online');
  // Person 1 at hq 10:00, person 2 at hq 10:30 (same hour), person 3 at hq 12:00 (outside), person 1 again at branch.
  a.checkin(1, new Date(T0));
  b.checkin(2, new Date(T0 + 30 * 60_000));
  a.checkin(3, new Date(T0 + 120 * 60_000));
  c.checkin(1, new Date(T0 + 10 * 60_000));
  // A hostile name for the CSV.
  c.store.recorder.recordCheckin({
    scanner: 'gate',
    direction: 'out',
    auto: false,
    manual: false,
    scannedAt: new Date(T0 + 11 * 60_000),
    clockSynced: true,
    document: { type: 'id-number', number: '079203001234', name: '=HYPERLINK("x")', birthDate: null, sex: null },
    warnings: [],
  });
  c.forwarder.onCheckin(c.store.outbox.pendingCheckins(0, 10).at(-1) as never);
  await until(async () => (await h.app.store.findCheckins({ limit: 100 })).length === 5, 'five check-ins stored');
  return h;
}

describe('central API', () => {
  it('lets a viewer see the fleet but not the check-ins, and needs a login for both', async () => {
    const h = await seeded();
    expect((await h.app.http.inject({ url: '/api/fleet' })).statusCode).toBe(401);
    const login1 = await h.app.http.inject({ method: 'POST', url: '/api/login', payload: { user: 'nobody', password: 'whatever1' } });
    expect(login1.statusCode).toBe(401);
    const viewer = await login(h, 'v', 'viewer');
    const r = await h.app.http.inject({ method: 'POST', url: '/api/login', payload: { user: 'v', password: 'correct horse' } });
    expect(r.headers['set-cookie']).toMatch(/HttpOnly/);
    expect(r.headers['set-cookie']).toMatch(/SameSite=Strict/);
    const fleet = await h.app.http.inject({ url: '/api/fleet', headers: { cookie: viewer } });
    expect(fleet.statusCode).toBe(200);
    expect(fleet.body).not.toContain('Khách');
    expect(fleet.body).not.toContain('00119000001');
    const f = fleet.json<{ sites: Array<{ site: string; today: { in: number; out: number; persons: number } }> }>();
    expect(f.sites.find((s) => s.site === 'hq')?.today).toMatchObject({ in: 3, persons: 3 });
    expect(f.sites.find((s) => s.site === 'branch')?.today).toMatchObject({ in: 1, out: 1, persons: 2 });
    expect((await h.app.http.inject({ url: '/api/checkins', headers: { cookie: viewer } })).statusCode).toBe(403);
    expect(await h.app.store.auditLog(10)).toEqual([]);
  });

  it('answers a tracer by number, audits who asked what (the number as a keyed hash), and exports formula-safe CSV', async () => {
    const h = await seeded();
    const tracer = await login(h, 'lan', 'tracer');
    const r = await h.app.http.inject({ url: '/api/checkins?number=001190000001', headers: { cookie: tracer } });
    expect(r.statusCode).toBe(200);
    const { checkins } = r.json<{
      checkins: Array<{ site: string; device: string; seq: number; document: { name: string }; receivedAt: string }>;
    }>();
    expect(checkins.map((c) => `${c.site}/${c.device}`)).toEqual(['hq/gate-a', 'branch/gate-c']);
    expect(checkins[0]?.document.name).toBe('Khách Thử 1');
    expect(checkins[0]?.receivedAt).toMatch(/\+07:00$/);
    const audit = await h.app.store.auditLog(10);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: 'lan', action: 'checkins' });
    expect(audit[0]?.query).toMatch(/"number":"mac:[0-9a-f]{16}"/);
    expect(audit[0]?.query).not.toContain('001190000001');
    const csv = await h.app.http.inject({ url: '/api/checkins?site=branch', headers: { cookie: tracer, accept: 'text/csv' } });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.startsWith('\uFEFF"id","seq"')).toBe(true);
    expect(csv.body).toContain(`"'=HYPERLINK(""x"")"`);
    expect(await h.app.store.auditLog(10)).toHaveLength(2);
  });

  it('lists the contacts at the same site within the window', async () => {
    const h = await seeded();
    const tracer = await login(h, 'lan', 'tracer');
    const first = (await h.app.store.findCheckins({ site: 'hq', device: 'gate-a', limit: 1 }))[0];
    const r = await h.app.http.inject({ url: `/api/contacts?id=${first?.id}&windowMin=60`, headers: { cookie: tracer } });
    expect(r.statusCode).toBe(200);
    const body = r.json<{ contacts: Array<{ device: string; document: { number: string } }> }>();
    expect(body.contacts.map((c) => c.document.number)).toEqual(['001190000002']);
    expect(
      (await h.app.http.inject({ url: '/api/contacts?id=019a8f3e-7c1d-7abc-8def-0123456789ab', headers: { cookie: tracer } })).statusCode,
    ).toBe(404);
    expect((await h.app.store.auditLog(10)).map((a) => a.action)).toEqual(['contacts', 'contacts']);
  });

  it('answers /health, and /metrics without any site, device or person', async () => {
    const h = await seeded();
    expect((await h.app.http.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok' });
    const m = (await h.app.http.inject({ url: '/metrics' })).body;
    expect(m).toMatch(/qrgate_central_kiosks\{state="online"\} 3/);
    for (const word of ['hq', 'branch', 'gate-a', 'Khách', '0011900']) expect(m).not.toContain(word);
  });

  it('serves the fleet over HTTP with the times in RFC 3339 and the backlog as the kiosk reported it', async () => {
    const h = await startCentral();
    const password = readFileSync(await addKiosk(h, 'hq', 'gate-x', tempDir('qrgate-kiosk-')), 'utf8');
    const c = await mqtt.connectAsync(h.url, { clientId: 'qrgate-hq-gate-x', username: 'hq/gate-x', password, protocolVersion: 4 });
    afterThisTest(() => c.endAsync(true));
    const base = 'qrgate/hq/gate-x';
    const since = T0 - 3_600_000;
    await c.publishAsync(`${base}/status`, JSON.stringify({ state: 'online', since: new Date(since).toISOString(), version: '1.2.3' }), {
      qos: 1,
      retain: true,
    });
    await c.publishAsync(
      `${base}/checkins`,
      JSON.stringify({
        v: 1,
        id: '019a8f3e-7c1d-7abc-8def-00000000aaaa',
        seq: 1,
        site: 'hq',
        device: 'gate-x',
        scanner: 'gate',
        direction: 'in',
        auto: false,
        scannedAt: new Date(T0).toISOString(),
        clockSynced: true,
        document: { type: 'id-number', number: '001190099999', name: 'X', birthDate: null, sex: null },
        warnings: [],
      }),
      { qos: 1 },
    );
    const health = {
      v: 1,
      at: new Date(T0).toISOString(),
      uptimeSec: 60,
      scanners: [],
      pending: 3,
      oldestPendingAgeSec: 42,
      storeBytes: 1,
    };
    await c.publishAsync(`${base}/health`, JSON.stringify({ ...health, lastSeq: 4, mqtt: { reconnects: 0, protocolVersion: 4 } }), {
      qos: 1,
    });
    const cookie = await login(h, 'v', 'viewer');
    const r = await fetch(`${h.http}/api/fleet`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const k = ((await r.json()) as { kiosks: Array<Record<string, unknown>> }).kiosks.find((x) => x.device === 'gate-x');
    expect(k).toMatchObject({ state: 'online', version: '1.2.3', pending: 3, oldestPendingAgeSec: 42 });
    for (const field of ['since', 'lastSeenAt', 'lastCheckinAt']) {
      expect(k?.[field], field).toMatch(RFC3339);
      expect(String(k?.[field]), field).toMatch(/\+07:00$/);
    }
    expect(k?.since).toBe(at(since));
    const seen = Date.parse(String(k?.lastSeenAt));
    const checkin = Date.parse(String(k?.lastCheckinAt));
    expect(checkin).toBeGreaterThanOrEqual(T0);
    expect(seen).toBeGreaterThanOrEqual(checkin);
    expect(seen).toBeLessThanOrEqual(h.clock.now().getTime());
  });

  it('filters /api/checkins over HTTP by scan time (from and to, inclusive) and site', async () => {
    const h = await seeded();
    const tracer = await login(h, 'lan', 'tracer');
    const get = async (query: string): Promise<number[]> => {
      const r = await fetch(`${h.http}/api/checkins?${query}`, { headers: { cookie: tracer } });
      expect(r.status, query).toBe(200);
      const body = (await r.json()) as { checkins: Array<{ scannedAt: string }> };
      return body.checkins.map((c) => (Date.parse(c.scannedAt) - T0) / 60_000);
    };
    // Scanned at T0 + 0, 10, 11, 30 and 120 minutes.
    expect(await get('')).toEqual([0, 10, 11, 30, 120]);
    expect(await get(`from=${encodeURIComponent(at(T0 + 5 * 60_000))}&to=${encodeURIComponent(at(T0 + 60 * 60_000))}`)).toEqual([
      10, 11, 30,
    ]);
    expect(await get(`from=${encodeURIComponent(at(T0 + 10 * 60_000))}&to=${encodeURIComponent(at(T0 + 30 * 60_000))}`)).toEqual([
      10, 11, 30,
    ]);
    expect(await get(`site=hq&from=${encodeURIComponent(new Date(T0 + 60_000).toISOString())}`)).toEqual([30, 120]);
    expect(await get(`to=${encodeURIComponent(at(T0 - 1))}`)).toEqual([]);
    const bad = await fetch(`${h.http}/api/checkins?from=yesterday`, { headers: { cookie: tracer } });
    expect(bad.status).toBe(400);
  });
});
