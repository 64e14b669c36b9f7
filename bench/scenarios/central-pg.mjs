// qrgate central on PostgreSQL (issue 19), on one throwaway cluster (scripts/lib/postgres.mjs: fsync on,
// synchronous_commit on), in the same run:
// - PgCentralStore.insertCheckins in batches of BATCH rows (one unnest statement, committed per call), against the
//   bare limit: raw pg running the same kind of multi-row unnest INSERT … ON CONFLICT DO NOTHING, same batch size,
//   into a database with the same schema and indexes; target >= 0.8×;
// - single-row inserts through the store, for information (what batching buys).
// Rounds alternate (bare, store, bare, store) and the best of each counts, so a noisy neighbour hurts both alike.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { Postgres } from '../../scripts/lib/postgres.mjs';
import { Cleanup, dist } from '../../scripts/lib/util.mjs';
import { row } from './row.mjs';

const { PgCentralStore } = await dist('src/central/pg-store.js');
const { Sealer } = await dist('src/store/sealer.js');
const { uuidv7 } = await dist('src/store/uuidv7.js');

const BATCH = 500;
const T0 = Date.UTC(2026, 10, 22, 2, 30);

function rows(n, device) {
  return Array.from({ length: n }, (_, i) => {
    const scannedMs = T0 + i;
    return {
      id: uuidv7(scannedMs),
      site: 'bench',
      device,
      seq: i + 1,
      direction: 'in',
      docType: 'cccd',
      scannedAt: new Date(scannedMs).toISOString(),
      scannedMs,
      clockSynced: true,
      receivedMs: scannedMs + 40,
      numberMac: randomBytes(32),
      personMac: randomBytes(32),
      sealed: randomBytes(300),
    };
  });
}

const BARE = `INSERT INTO checkins (id, site, device, seq, direction, doc_type, scanned_at, scanned_ms, clock_synced, received_ms, number_mac, person_mac, sealed)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[], $10::bigint[], $11::bytea[], $12::bytea[], $13::bytea[])
  ON CONFLICT (id) DO NOTHING`;

const KEYS = [
  'id',
  'site',
  'device',
  'seq',
  'direction',
  'docType',
  'scannedAt',
  'scannedMs',
  'clockSynced',
  'receivedMs',
  'numberMac',
  'personMac',
  'sealed',
];

/** Rows per second of `insert(batch)` over `data` in batches of `size`. */
async function rate(data, size, insert) {
  const t0 = performance.now();
  for (let i = 0; i < data.length; i += size) await insert(data.slice(i, i + size));
  return data.length / ((performance.now() - t0) / 1000);
}

export async function run({ quick }) {
  const total = quick ? 10_000 : 30_000;
  const singles = quick ? 1000 : 2000;
  const cleanup = new Cleanup();
  try {
    const server = await Postgres.start();
    cleanup.add(() => server.stop());
    const sealer = new Sealer(randomBytes(32));
    // The bare side writes into a database with the store's own schema, through its own plain pool.
    const bareUrl = await server.createDatabase('bare');
    await (await PgCentralStore.open(bareUrl, sealer)).close();
    const bare = new pg.Pool({ connectionString: bareUrl, max: 1 });
    // An idle connection the server drops must not end the run with an unhandled 'error' event.
    bare.on('error', () => undefined);
    cleanup.add(() => bare.end());
    const store = await PgCentralStore.open(await server.createDatabase('store'), sealer, { maxConnections: 1 });
    cleanup.add(() => store.close());

    const best = { bare: 0, store: 0 };
    for (let round = 0; round < 2; round += 1) {
      const forBare = rows(total, `bare-${round}`);
      best.bare = Math.max(
        best.bare,
        await rate(forBare, BATCH, (b) =>
          bare.query(
            BARE,
            KEYS.map((k) => b.map((r) => r[k])),
          ),
        ),
      );
      const forStore = rows(total, `store-${round}`);
      best.store = Math.max(best.store, await rate(forStore, BATCH, (b) => store.insertCheckins(b)));
    }
    const single = await rate(rows(singles, 'single'), 1, (b) => store.insertCheckins(b));
    const version = (await server.query('SHOW server_version'))[0]?.server_version;
    return [
      row(`central PostgreSQL insertCheckins rows/s, batches of ${BATCH}`, best.store, 'rows/s', {
        baseline: best.bare,
        target: '>= 0.8 x bare unnest',
        pass: best.store >= 0.8 * best.bare,
        note: `PostgreSQL ${version}, fsync on, synchronous_commit on; baseline = raw pg, the same multi-row unnest INSERT … ON CONFLICT DO NOTHING of ${BATCH} rows per statement into the same schema; best of 2 alternating rounds of ${total} rows`,
      }),
      row('central PostgreSQL insertCheckins rows/s, one row per call', single, 'rows/s', {
        baseline: best.store,
        info: true,
        note: `${singles} rows, each its own commit: what the group commit's batching is worth (ratio to the batched figure)`,
      }),
    ];
  } finally {
    await cleanup.run();
  }
}
