/**
 * Central as a whole on a real PostgreSQL (store.url): real kiosks deliver over the embedded broker, the fleet and
 * the tracer API answer from the database, and while the database is down nothing is acknowledged — the kiosk keeps
 * its check-ins and delivers them once it is back, each stored once.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresFixture } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';
import { login, startCentral, kioskWithCheckins, until } from './harness.js';

const pg = postgresFixture();

describe('central on PostgreSQL', () => {
  it('stores, counts and answers from PostgreSQL, acknowledges nothing while it is down, and catches up after', async () => {
    const dir = tempDir('qrgate-central-');
    const url = await pg.freshDatabase();
    const h = await startCentral({ store: { url, path: join(dir, 'unused.db'), keyFile: join(dir, 'central.key') } }, {}, dir);
    const k = await kioskWithCheckins(h, 50);
    const rows = await pg.server().query<{ n: string }>('SELECT count(*) AS n FROM checkins', url.split('/').at(-1));
    expect(Number(rows[0]?.n)).toBe(50);
    const viewer = await login(h, 'v', 'tracer');
    const fleet = (await h.app.http.inject({ url: '/api/fleet', headers: { cookie: viewer } })).json<{
      kiosks: Array<{ device: string; today: { in: number }; gaps: { open: number } }>;
    }>();
    expect(fleet.kiosks.find((x) => x.device === 'kiosk-1')).toMatchObject({ today: { in: 50 }, gaps: { open: 0 } });
    const found = (await h.app.http.inject({ url: '/api/checkins?number=001190000007', headers: { cookie: viewer } })).json<{
      checkins: Array<{ seq: number }>;
    }>();
    expect(found.checkins.map((c) => c.seq)).toEqual([7]);
    expect((await h.app.http.inject({ url: '/health' })).statusCode).toBe(200);

    await pg.server().down();
    expect((await h.app.http.inject({ url: '/health' })).statusCode).toBe(503);
    for (let i = 51; i <= 60; i++) k.checkin(i);
    // Nothing is acknowledged while the database cannot commit: the kiosk keeps all ten.
    await new Promise((r) => setTimeout(r, 1500));
    expect(k.store.pendingCount()).toBe(10);
    await pg.server().up();
    await until(() => k.store.pendingCount() === 0, 'delivered after the database came back', 60_000);
    const after = await h.app.store.findCheckins({ limit: 1000 });
    expect(after.map((c) => c.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await h.app.http.inject({ url: '/health' })).statusCode).toBe(200);
  }, 120_000);
});
