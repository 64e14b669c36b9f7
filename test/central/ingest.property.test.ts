/**
 * 10⁵ random messages through the ingest (the real one, on a real SQLite file): random topics, random bytes, JSON
 * of random shape and valid check-ins with random damage. Never a throw, never a row from a refused message, and
 * every decision is one of the two the broker understands.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startCentral } from './harness.js';

const RUNS = 100_000;

const validCheckin = fc.record({
  seq: fc.integer({ min: 1, max: 1_000_000 }),
  number: fc.stringMatching(/^\d{12}$/),
  name: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(null)),
});

const topic = fc.oneof(
  fc.constantFrom(
    'qrgate/hq/k1/checkins',
    'qrgate/hq/k1/health',
    'qrgate/hq/k1/status',
    'qrgate/hq/k1/rejects',
    'qrgate/hq/k1/response/resend',
    'qrgate/hq/k2/checkins',
    'qrgate/hq/k1/request/ping',
    'other/hq/k1/checkins',
    'qrgate/hq/k1/checkins/x',
    'qrgate//k1/checkins',
  ),
  fc.string({ maxLength: 60 }),
);

const damage = fc.oneof(
  fc.constant((o: Record<string, unknown>) => o),
  fc.constant((o: Record<string, unknown>) => ({ ...o, v: 2 })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, site: 'elsewhere' })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, extra: true })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, seq: -1 })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, scannedAt: 'yesterday' })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, document: { type: 'cccd' } })),
);

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.json().map((s) => new TextEncoder().encode(s)),
  fc.tuple(validCheckin, damage, fc.uuid({ version: 7 })).map(([c, d, id]) => {
    const m = {
      v: 1,
      id,
      seq: c.seq,
      site: 'hq',
      device: 'k1',
      scanner: 'gate',
      direction: 'in',
      auto: false,
      scannedAt: '2026-11-22T09:30:00.123+07:00',
      clockSynced: true,
      document: { type: 'id-number', number: c.number, name: c.name, birthDate: null, sex: null },
      warnings: [],
    };
    return new TextEncoder().encode(JSON.stringify(d(m)));
  }),
  fc.integer({ min: 70_000, max: 80_000 }).map((n) => new Uint8Array(n).fill(0x20)),
);

describe('ingest under random input', () => {
  it(`handles ${RUNS.toLocaleString('en')} random messages without a throw or a bad row`, { timeout: 300_000 }, async () => {
    const h = await startCentral({ broker: { listen: { host: '127.0.0.1', port: 0 }, groupCommitMs: 0 } });
    // The broker's ingest, called as the broker calls it (a connection authenticated as hq/k1, or anonymous).
    const ingest = h.app.ingest;
    await fc.assert(
      fc.asyncProperty(topic, payload, fc.boolean(), async (t, p, anonymous) => {
        const decision = await ingest.handle(t, p, anonymous ? null : { site: 'hq', device: 'k1' });
        expect(['ack', 'disconnect']).toContain(decision);
      }),
      { numRuns: RUNS },
    );
    const rows = await h.app.store.findCheckins({ limit: 1_000_000 });
    // Only well-formed check-ins of hq/k1 can have been stored.
    expect(rows.every((r) => r.site === 'hq' && r.device === 'k1' && r.seq >= 1)).toBe(true);
    console.log(`property run: ${RUNS} messages, ${rows.length} stored`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
