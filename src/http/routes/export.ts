/**
 * `GET /api/tech/export.csv?day=YYYY-MM-DD[&full=true]`: one local day's check-ins. Masked by default; the full
 * names and numbers only with `full=true`, and that choice is logged with who made it (never the data).
 */
import { Type } from 'typebox';
import { actor, requireTechnician } from '../auth/guard.js';
import type { Api, HttpContext } from '../context.js';
import { csvDocument } from '../csv.js';
import { ErrorSchema, fail } from '../errors.js';
import { maskName, maskNumber } from '../mask.js';
import type { Checkin, UnreadableCheckin } from '../../store/types.js';

const HEADER = ['seq', 'id', 'scannedAt', 'direction', 'scanner', 'type', 'name', 'number', 'manual', 'auto', 'clockSynced', 'warnings'];

function row(c: Checkin | UnreadableCheckin, full: boolean): Array<string | number | boolean | null> {
  // Its sealed document no longer opens (damaged on the medium): the line stays, so the day's seqs have no hole.
  if ('unreadable' in c) return [c.seq, c.id, null, null, null, null, null, null, null, null, null, 'E_STORE_UNREADABLE'];
  const name = full ? c.document.name : maskName(c.document.name);
  const number = full ? c.document.number : maskNumber(c.document.number);
  return [
    c.seq,
    c.id,
    c.scannedAt,
    c.direction,
    c.scanner,
    c.document.type,
    name,
    number,
    c.manual,
    c.auto,
    c.clockSynced,
    c.warnings.map((w) => w.code).join(' '),
  ];
}

export function exportRoutes(app: Api, { deps, sessions }: HttpContext): void {
  const log = deps.logger.child({ module: 'http' });
  app.get(
    '/api/tech/export.csv',
    {
      preHandler: requireTechnician(sessions),
      schema: {
        querystring: Type.Object({
          day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
          full: Type.Optional(Type.Boolean({ default: false })),
        }),
        response: { 200: Type.String(), 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    (req, reply) => {
      const { day, full = false } = req.query;
      // The kiosk's day (clock.timeZone), as "today" is counted everywhere else.
      const bounds = deps.zone.dayBounds(day);
      if (bounds === null) return fail(reply, 'E_HTTP_BAD_REQUEST', 'day is not a calendar date');
      const rows = deps.store.checkinsBetween(bounds.from, bounds.to);
      const who = actor(req);
      if (full) log.warn({ event: 'export-full', day, rows: rows.length, ...who }, 'full (unmasked) check-in export');
      else log.info({ event: 'export', day, rows: rows.length, ...who }, 'masked check-in export');
      const file = `qrgate-${deps.config.device.id}-${day}${full ? '-full' : ''}.csv`;
      void reply
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${file}"`)
        .type('text/csv; charset=utf-8');
      return csvDocument(
        HEADER,
        rows.map((c) => row(c, full)),
      );
    },
  );
}
