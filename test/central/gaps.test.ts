/**
 * Completeness over the real embedded broker: a gap stays *closing* (no resend) while the kiosk reports pending
 * check-ins and is asked for once it reports none; what the kiosk no longer has, or can no longer open, becomes
 * lost with its reason, and /api/fleet shows it.
 */
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { afterThisTest } from '../helpers/after-test.js';
import { tempDir } from '../helpers/tmp.js';
import { addKiosk, login, startCentral, kioskWithCheckins, until, type CentralHarness } from './harness.js';

interface FleetGaps {
  open: number;
  lost: number;
  closing: boolean;
  ranges: Array<{ from: number; to: number; state: string; reason?: string }>;
}

async function gapsOf(h: CentralHarness, cookie: string, device: string): Promise<FleetGaps> {
  const r = await h.app.http.inject({ url: '/api/fleet', headers: { cookie } });
  expect(r.statusCode).toBe(200);
  const k = r.json<{ kiosks: Array<{ device: string; gaps: FleetGaps }> }>().kiosks.find((x) => x.device === device);
  if (k === undefined) throw new Error(`${device} is not in the fleet`);
  return k.gaps;
}

const checkinBody = (seq: number): string =>
  JSON.stringify({
    v: 1,
    id: `019a8f3e-7c1d-7abc-8def-${String(seq).padStart(12, '0')}`,
    seq,
    site: 'hq',
    device: 'kiosk-r',
    scanner: 'gate',
    direction: 'in',
    auto: false,
    scannedAt: '2026-11-22T10:00:00.000+07:00',
    clockSynced: true,
    document: { type: 'id-number', number: `0011900${String(seq).padStart(5, '0')}`, name: 'Khách Thử', birthDate: null, sex: null },
    warnings: [],
  });

describe('central gaps', () => {
  it('keeps a gap closing while the kiosk reports pending check-ins, then asks once for it, and marks lost what the kiosk lacks', async () => {
    // resendAfterSec 2: a resend could come every 2 s, so 5 s without one proves the wait.
    const h = await startCentral({ fleet: { resendAfterSec: 2 } });
    const password = readFileSync(await addKiosk(h, 'hq', 'kiosk-r', tempDir('qrgate-kiosk-')), 'utf8');
    // The kiosk side by hand, over the real broker: its check-ins, its health with the pending count this test sets,
    // and its answers to central's requests.
    const c = await mqtt.connectAsync(h.url, { clientId: 'qrgate-hq-kiosk-r', username: 'hq/kiosk-r', password, protocolVersion: 4 });
    afterThisTest(() => c.endAsync(true));
    const base = 'qrgate/hq/kiosk-r';
    let pending = 2;
    const health = (): string =>
      JSON.stringify({
        v: 1,
        at: h.clock.now().toISOString(),
        uptimeSec: 1,
        scanners: [{ id: 'gate', state: 'connected' }],
        pending,
        oldestPendingAgeSec: pending > 0 ? 5 : null,
        storeBytes: 1,
        lastSeq: 5,
        mqtt: { reconnects: 0, protocolVersion: 4 },
      });
    const resends: Array<{ from: number; to: number }> = [];
    c.on('message', (topic, payload) => {
      const op = topic.split('/').at(-1);
      const req = JSON.parse(payload.toString()) as { from: number; to: number; tid?: string };
      const answer = (data: unknown): Promise<unknown> =>
        c.publishAsync(`${base}/response/${op}`, JSON.stringify({ ok: true, op, tid: req.tid, data }), { qos: 1 });
      if (op === 'health') void answer(JSON.parse(health()));
      if (op === 'resend') {
        resends.push({ from: req.from, to: req.to });
        // Seq 3 is still at the kiosk (sent again, stored before the PUBACK); seq 4 is not.
        void c
          .publishAsync(`${base}/checkins`, checkinBody(3), { qos: 1 })
          .then(() => answer({ from: req.from, to: req.to, sent: 1, missing: [[4, 4]], unreadable: [] }));
      }
    });
    await c.subscribeAsync(`${base}/request/+`, { qos: 1 });
    for (const seq of [1, 2, 5]) await c.publishAsync(`${base}/checkins`, checkinBody(seq), { qos: 1 });
    await c.publishAsync(`${base}/health`, health(), { qos: 1 });
    const cookie = await login(h, 'vi', 'viewer');
    await until(async () => (await gapsOf(h, cookie, 'kiosk-r')).closing, 'the gap shown closing');
    const closingSince = performance.now();
    while (performance.now() - closingSince < 5000) {
      expect(await gapsOf(h, cookie, 'kiosk-r')).toMatchObject({ open: 2, lost: 0, closing: true });
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(resends).toEqual([]);
    // The kiosk has sent everything it had: the range is still missing, so central asks for it.
    pending = 0;
    await c.publishAsync(`${base}/health`, health(), { qos: 1 });
    await until(() => resends.length > 0, 'a resend request');
    expect(resends).toEqual([{ from: 3, to: 4 }]);
    await until(async () => (await gapsOf(h, cookie, 'kiosk-r')).lost === 1, 'seq 4 lost');
    // Nothing is open any more: no second request, however long central waits (two more resend periods here).
    await new Promise((r) => setTimeout(r, 4500));
    expect(resends).toHaveLength(1);
    expect(await gapsOf(h, cookie, 'kiosk-r')).toEqual({
      open: 0,
      lost: 1,
      closing: false,
      ranges: [{ from: 4, to: 4, state: 'lost', reason: 'missing' }],
    });
    expect((await h.app.store.findCheckins({ device: 'kiosk-r', limit: 10 })).map((r) => r.seq).sort()).toEqual([1, 2, 3, 5]);
  });

  it('records as lost for a reason of "unreadable" a check-in whose sealed document no longer opens at the kiosk', async () => {
    // Seq 3 never arrives at central (an injected loss), so central asks the kiosk for it.
    const h = await startCentral({}, { drop: (m) => m.seq === 3 });
    const k = await kioskWithCheckins(h, 5);
    // The kiosk's stored seq 3 damaged as a failing card damages it: its sealed document no longer opens (the
    // kiosk's E_STORE_UNREADABLE), through another connection to the real kiosk database.
    const db = new Database(k.config.store.path);
    const sealed = db.prepare('SELECT sealed FROM checkins WHERE seq = 3').pluck().get() as Buffer;
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 0xff;
    db.prepare('UPDATE checkins SET sealed = ? WHERE seq = 3').run(sealed);
    db.close();
    await until(async () => (await h.app.gaps.completeness({ site: 'hq', device: 'kiosk-1' })).lostCount === 1, 'seq 3 lost', 20_000);
    expect((await h.app.gaps.completeness({ site: 'hq', device: 'kiosk-1' })).lost).toEqual([{ from: 3, to: 3, reason: 'unreadable' }]);
    const cookie = await login(h, 'vi', 'viewer');
    await until(async () => (await gapsOf(h, cookie, 'kiosk-1')).lost === 1, 'the fleet shows it');
    expect(await gapsOf(h, cookie, 'kiosk-1')).toEqual({
      open: 0,
      lost: 1,
      closing: false,
      ranges: [{ from: 3, to: 3, state: 'lost', reason: 'unreadable' }],
    });
  });
});

describe('central gaps with a store shared by several central processes', () => {
  it('does not ask for a resend another process claimed within the period, and asks once the claim is old', async () => {
    let dropped = false;
    // Seq 3's first delivery is lost at central; only a resend brings it.
    const h = await startCentral({ fleet: { resendAfterSec: 1 } }, { drop: (m) => m.seq === 3 && !dropped && (dropped = true) });
    const k = { site: 'hq', device: 'kiosk-1' };
    // Another central process sharing the store claimed it, stamped by a clock an hour ahead of this one's: every
    // claim of this process (period 1 s) falls within that one's period until this clock has passed it by 1 s.
    const claimedAt = h.clock.now().getTime() + 3_600_000;
    expect(await h.app.store.claimResend(k, claimedAt, 1000)).toBe(true);
    await kioskWithCheckins(h, 5);
    const resends = async (): Promise<number> => (await h.app.metrics.resendRequests.get()).values[0]?.value ?? 0;
    // Four resend periods with the gap open and the kiosk reporting nothing pending: no request.
    await new Promise((r) => setTimeout(r, 4000));
    expect((await h.app.gaps.completeness(k)).open).toEqual([{ from: 3, to: 3 }]);
    expect(await resends()).toBe(0);
    // Past the other process's claim: this one claims, asks, and the kiosk sends seq 3 again.
    h.clock.advance(3_601_000);
    await until(async () => (await h.app.gaps.completeness(k)).openCount === 0, 'seq 3 resent and stored', 20_000);
    expect(await resends()).toBe(1);
  }, 60_000);
});
