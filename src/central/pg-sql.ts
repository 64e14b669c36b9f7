/** The statements of the PostgreSQL store (pg-store.ts) that are more than a line: batched writes, gaps, purges, counts. */

export const CHECKIN_COLUMNS =
  'id, seq, site, device, direction, scanned_at AS "scannedAt", scanned_ms AS "scannedMs", received_ms AS "receivedMs", sealed, person_mac AS "personMac"';

export const INSERT_CHECKINS = `INSERT INTO checkins (id, site, device, seq, direction, doc_type, scanned_at, scanned_ms, clock_synced, received_ms, number_mac, person_mac, sealed)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::boolean[], $10::bigint[], $11::bytea[], $12::bytea[], $13::bytea[])
  ON CONFLICT (id) DO NOTHING RETURNING id`;

export const INSERT_REJECTS = `INSERT INTO rejects (id, site, device, code, scanned_ms, received_ms)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
  ON CONFLICT (id) DO NOTHING`;

/** Every state in one statement (one commit); floor_seq is the purge's and stays as it is. */
export const SAVE_STATES = `INSERT INTO kiosk_state (site, device, state, since_ms, last_seen_ms, last_checkin_ms, version, health, last_clock_synced)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::boolean[])
  ON CONFLICT (site, device) DO UPDATE SET state = excluded.state, since_ms = excluded.since_ms, last_seen_ms = excluded.last_seen_ms,
    last_checkin_ms = excluded.last_checkin_ms, version = excluded.version, health = excluded.health, last_clock_synced = excluded.last_clock_synced`;

/**
 * One statement, one snapshot: the floor (seqs at or below it were deleted by the retention), the highest stored seq,
 * and the missing ranges between consecutive stored seqs above the floor or $3 when higher (the caller knows every seq
 * up to it is accounted for: only newer rows are read, through the (site, device, seq) index), by a window function as
 * the SQLite store's. The header row is always there, so a kiosk without gaps still reports its floor and highest seq.
 */
export const SEQ_GAPS = `WITH f AS (SELECT coalesce((SELECT floor_seq FROM kiosk_state WHERE site = $1 AND device = $2), 0)::bigint AS floor),
  lo AS (SELECT greatest(floor, $3::bigint) AS lo FROM f),
  c AS (SELECT seq FROM checkins WHERE site = $1 AND device = $2 AND seq > (SELECT lo FROM lo)),
  g AS (SELECT prev + 1 AS "from", seq - 1 AS "to" FROM (SELECT seq, lag(seq, 1, (SELECT lo FROM lo)) OVER (ORDER BY seq) AS prev FROM c) w WHERE seq > prev + 1)
  SELECT h.floor, h.max_seq, g."from", g."to"
  FROM (SELECT floor, (SELECT max(seq) FROM checkins WHERE site = $1 AND device = $2) AS max_seq FROM f) h LEFT JOIN g ON true ORDER BY g."from"`;

/**
 * Deletes a batch of expired check-ins and raises each kiosk's floor to the highest seq deleted, in one statement:
 * the floor covers exactly the rows gone, even when a writer commits an old row meanwhile. SKIP LOCKED: rows a
 * concurrent purge (another central process) is deleting are left to it.
 */
export const PURGE_CHECKINS = `WITH del AS (
    DELETE FROM checkins WHERE id IN (SELECT id FROM checkins WHERE scanned_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING site, device, seq
  ), m AS (SELECT site, device, max(seq) AS top FROM del GROUP BY site, device),
  up AS (UPDATE kiosk_state k SET floor_seq = greatest(k.floor_seq, m.top) FROM m WHERE k.site = m.site AND k.device = m.device RETURNING 1)
  SELECT (SELECT count(*) FROM del)::int AS n, (SELECT count(*) FROM up)::int AS raised`;

export const PURGE_REJECTS =
  'DELETE FROM rejects WHERE id IN (SELECT id FROM rejects WHERE scanned_ms < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)';

/** Purges of several central processes take turns ('qrgp'): two raising the same floors could otherwise deadlock. */
export const PURGE_LOCK = 0x71726770;

/** One row per kiosk: whoever updates it (or inserts it) first within the period ($4 ms) has the claim. */
export const CLAIM_RESEND =
  'INSERT INTO resend_claims (site, device, at_ms) VALUES ($1, $2, $3) ON CONFLICT (site, device) DO UPDATE SET at_ms = excluded.at_ms WHERE resend_claims.at_ms <= $3 - $4 RETURNING 1';

/** The day's counts (src/central/day-totals.ts): every row since $1. */
export const DAY_COUNTS = `SELECT site, device, (count(*) FILTER (WHERE direction = 'in'))::int AS "in", (count(*) FILTER (WHERE direction = 'out'))::int AS "out"
  FROM checkins WHERE scanned_ms >= $1 GROUP BY site, device`;
export const DAY_REJECTS = 'SELECT site, device, count(*)::int AS n FROM rejects WHERE scanned_ms >= $1 GROUP BY site, device';
export const DAY_PERSONS = 'SELECT site, count(DISTINCT person_mac)::int AS n FROM checkins WHERE scanned_ms >= $1 GROUP BY site';
