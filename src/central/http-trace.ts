/**
 * Tracer queries: `GET /api/checkins` (JSON, or CSV with `Accept: text/csv`) and `GET /api/contacts`. Every call is
 * audited (user, time, query) before it is answered; a searched number is audited as its keyed hash, not in clear.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { csvDocument } from '../http/csv.js';
import { sendError } from '../http/errors.js';
import type { CentralHttpDeps } from './http-server.js';
import { requireRole } from './http-server.js';
import { numberMac } from './person.js';
import type { StoredCheckin } from './store-types.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

const MAX_ROWS = 10_000;
const date = Type.String({ format: 'date-time' });
const CheckinsQuery = Type.Object({
  site: Type.Optional(Type.String({ maxLength: 64 })),
  device: Type.Optional(Type.String({ maxLength: 64 })),
  from: Type.Optional(date),
  to: Type.Optional(date),
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ROWS })),
});
const ContactsQuery = Type.Object({
  id: Type.String({ format: 'uuid' }),
  windowMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })),
});

interface Opened {
  document: { type: string; number: string; name: string | null } & Record<string, unknown>;
  scanner: string;
  auto: boolean;
  warnings: string[];
}

export function traceRoutes(api: FastifyInstance, deps: CentralHttpDeps): void {
  const app = api.withTypeProvider<TypeBoxTypeProvider>();
  const zone = deps.fleet.zone;
  const view = (c: StoredCheckin) => {
    const opened = deps.sealer.tryOpen(c.sealed, c.id);
    const body = opened === null ? null : (JSON.parse(opened) as Opened);
    return {
      id: c.id,
      seq: c.seq,
      site: c.site,
      device: c.device,
      direction: c.direction,
      scannedAt: c.scannedAt,
      receivedAt: zone.iso(c.receivedMs),
      document: body?.document ?? null,
    };
  };
  // Awaited before the answer: a query that could not be audited is not answered.
  const audit = async (user: string, action: string, query: Record<string, unknown>): Promise<void> => {
    const q = { ...query };
    if (typeof q.number === 'string') q.number = `mac:${numberMac(deps.sealer, q.number).subarray(0, 8).toString('hex')}`;
    await deps.store.audit({ atMs: deps.fleet.clock.now().getTime(), user, action, query: q });
    deps.logger.info({ event: 'audit', user, action }, 'tracer query');
  };

  app.get(
    '/api/checkins',
    { schema: { querystring: CheckinsQuery }, preHandler: requireRole(deps.sessions, 'tracer') },
    async (req, reply) => {
      const q: Static<typeof CheckinsQuery> = req.query;
      await audit(req.operator?.user ?? '?', 'checkins', q);
      const rows = (
        await deps.store.findCheckins({
          limit: q.limit ?? MAX_ROWS,
          ...(q.site === undefined ? {} : { site: q.site }),
          ...(q.device === undefined ? {} : { device: q.device }),
          ...(q.from === undefined ? {} : { fromMs: Date.parse(q.from) }),
          ...(q.to === undefined ? {} : { toMs: Date.parse(q.to) }),
          ...(q.number === undefined ? {} : { numberMac: numberMac(deps.sealer, q.number) }),
        })
      ).map(view);
      void reply.header('cache-control', 'no-store');
      if ((req.headers.accept ?? '').includes('text/csv')) {
        const header = ['id', 'seq', 'site', 'device', 'direction', 'scannedAt', 'receivedAt', 'documentType', 'number', 'name'];
        const csv = csvDocument(
          header,
          rows.map((r) => [
            r.id,
            r.seq,
            r.site,
            r.device,
            r.direction,
            r.scannedAt,
            r.receivedAt,
            r.document?.type ?? '',
            r.document?.number ?? '',
            r.document?.name ?? null,
          ]),
        );
        return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="checkins.csv"').send(csv);
      }
      return reply.send({ checkins: rows });
    },
  );

  app.get(
    '/api/contacts',
    { schema: { querystring: ContactsQuery }, preHandler: requireRole(deps.sessions, 'tracer') },
    async (req, reply) => {
      const q: Static<typeof ContactsQuery> = req.query;
      await audit(req.operator?.user ?? '?', 'contacts', q);
      const c = await deps.store.checkinById(q.id);
      if (c === null) return sendError(reply, 'E_HTTP_NO_SUCH_CHECKIN');
      const windowMs = (q.windowMin ?? 60) * 60_000;
      const others = (await deps.store.checkinsAtSite(c.site, c.scannedMs - windowMs, c.scannedMs + windowMs, MAX_ROWS)).filter(
        (o) => o.id !== c.id && !o.personMac.equals(c.personMac),
      );
      void reply.header('cache-control', 'no-store');
      return reply.send({ checkin: view(c), windowMin: q.windowMin ?? 60, contacts: others.map(view) });
    },
  );
}
