/**
 * 10⁵ random messages through the ingest (the real one, on a real SQLite file): random topics, random bytes, JSON
 * of random shape and valid check-ins with random damage. Never a throw, never a row from a refused message, every
 * decision is one of the two the broker understands, every message is counted once (accepted or refused by
 * reason), and the log (captured at debug) holds no payload, number or name from them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
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

const intact = (o: Record<string, unknown>): Record<string, unknown> => o;
const damage = fc.oneof(
  fc.constant(intact),
  fc.constant((o: Record<string, unknown>) => ({ ...o, v: 2 })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, site: 'elsewhere' })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, extra: true })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, seq: -1 })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, scannedAt: 'yesterday' })),
  fc.constant((o: Record<string, unknown>) => ({ ...o, document: { type: 'cccd' } })),
);

/** What a message carries that must never reach the log, and whether it is an intact check-in. */
interface Sent {
  readonly bytes: Uint8Array;
  readonly secrets: readonly string[];
  readonly intact: boolean;
}

/** Strings long and varied enough that finding one in the log by chance is out of the question. */
const telling = (s: string | null): s is string => s !== null && s.length >= 8 && new Set(s).size >= 5;

const payload: fc.Arbitrary<Sent> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes, secrets: [], intact: false })),
  fc.json().map((s) => ({ bytes: new TextEncoder().encode(s), secrets: telling(s) ? [s] : [], intact: false })),
  fc.tuple(validCheckin, damage, fc.uuid({ version: 7 })).map(([c, d, id]): Sent => {
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
    const secrets = [c.number, ...(telling(c.name) ? [c.name] : [])];
    return { bytes: new TextEncoder().encode(JSON.stringify(d(m))), secrets, intact: d === intact };
  }),
  fc.integer({ min: 70_000, max: 80_000 }).map((n) => ({ bytes: new Uint8Array(n).fill(0x20), secrets: [], intact: false })),
);

const sum = async (c: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> =>
  (await c.get()).values.reduce((a, v) => a + v.value, 0);

function parsesAsJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return true;
  } catch {
    return false;
  }
}

describe('ingest under random input', () => {
  it(`handles ${RUNS.toLocaleString('en')} random messages without a throw or a bad row`, { timeout: 300_000 }, async () => {
    const log: string[] = [];
    const logger = createLogger('debug', { write: (l: string) => log.push(l) } as unknown as NodeJS.WritableStream);
    const h = await startCentral({ broker: { listen: { host: '127.0.0.1', port: 0 }, groupCommitMs: 0 } }, { logger });
    // The broker's ingest, called as the broker calls it (a connection authenticated as hq/k1, or anonymous).
    const ingest = h.app.ingest;
    const secrets = new Set<string>();
    let handled = 0;
    // Known without the ingest's parser: a payload that is not JSON, or too large, is refused; an intact check-in of
    // hq/k1 on its own topic is accepted.
    let mustRefuse = 0;
    let mustAccept = 0;
    await fc.assert(
      fc.asyncProperty(topic, payload, fc.boolean(), async (t, p, anonymous) => {
        const decision = await ingest.handle(t, p.bytes, anonymous ? null : { site: 'hq', device: 'k1' });
        expect(['ack', 'disconnect']).toContain(decision);
        handled += 1;
        for (const s of p.secrets) secrets.add(s);
        if (p.bytes.length > 65_536 || !parsesAsJson(p.bytes)) mustRefuse += 1;
        else if (p.intact && t === 'qrgate/hq/k1/checkins') mustAccept += 1;
      }),
      { numRuns: RUNS },
    );
    // Every message counted once: accepted (by kind) or refused (by reason).
    const refused = await sum(h.app.metrics.refused);
    const accepted = await sum(h.app.metrics.messages);
    expect(refused + accepted).toBe(handled);
    expect(refused).toBeGreaterThanOrEqual(mustRefuse);
    expect(accepted).toBeGreaterThanOrEqual(mustAccept);
    expect(mustRefuse).toBeGreaterThan(RUNS / 10);
    expect(mustAccept).toBeGreaterThan(0);
    // Refusals were logged (rate-limited), but without anything the messages carried.
    const text = log.join('');
    expect(text).toContain('kiosk message refused');
    const leaked = [...secrets].filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
    expect(leaked).toEqual([]);
    expect(secrets.size).toBeGreaterThan(RUNS / 10);
    const rows = await h.app.store.findCheckins({ limit: 1_000_000 });
    // Only well-formed check-ins of hq/k1 can have been stored.
    expect(rows.every((r) => r.site === 'hq' && r.device === 'k1' && r.seq >= 1)).toBe(true);
    console.log(`property run: ${RUNS} messages, ${rows.length} stored`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
