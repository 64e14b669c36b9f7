/**
 * Central's retention on a real store: check-ins and rejects past store.retentionDays are deleted (at start, then
 * hourly) without leaving a gap behind, and the audit log is kept for store.auditRetentionDays, then deleted too.
 */
import { describe, expect, it } from 'vitest';
import { startCentral, startKiosk, T0, until } from './harness.js';

const DAY = 86_400_000;

describe('central retention', () => {
  it('deletes check-ins older than retentionDays at start, raises the kiosk floor so no gap is reported, and keeps the newer ones', async () => {
    const h = await startCentral();
    const k = await startKiosk(h);
    await until(() => h.app.tracker.state({ site: 'hq', device: 'kiosk-1' })?.state === 'online', 'kiosk online');
    for (let i = 1; i <= 3; i++) k.checkin(i, new Date(T0 - 30 * DAY));
    for (let i = 4; i <= 5; i++) k.checkin(i, new Date(T0));
    await until(async () => (await h.app.store.findCheckins({ limit: 10 })).length === 5, 'five stored');
    await k.stop();
    await h.app.stop();

    const again = await startCentral({}, { clock: h.clock }, h.dir);
    const left = await again.app.store.findCheckins({ limit: 10 });
    expect(left.map((c) => c.seq)).toEqual([4, 5]);
    // Seqs 1-3 were deleted, not lost: the kiosk's completeness starts above them.
    expect(await again.app.gaps.completeness({ site: 'hq', device: 'kiosk-1' })).toMatchObject({
      openCount: 0,
      lostCount: 0,
      contiguousSeq: 5,
    });
  });

  it('keeps audit entries for auditRetentionDays (default 365), then deletes them', async () => {
    const h = await startCentral();
    await h.app.store.audit({ atMs: T0 - 400 * DAY, user: 'old', action: 'checkins', query: {} });
    await h.app.store.audit({ atMs: T0 - 300 * DAY, user: 'recent', action: 'checkins', query: {} });
    await h.app.stop();
    const again = await startCentral({}, { clock: h.clock }, h.dir);
    expect((await again.app.store.auditLog(10)).map((a) => a.user)).toEqual(['recent']);
  });
});
