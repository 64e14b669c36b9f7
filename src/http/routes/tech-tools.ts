/** `GET /api/tech/summary` and `POST /api/tech/decode`: what a technician needs to diagnose a kiosk without a shell. */
import { statfs } from 'node:fs/promises';
import { release, type as osType } from 'node:os';
import { dirname } from 'node:path';
import { Type } from 'typebox';
import { actor, requireTechnician } from '../auth/guard.js';
import type { Api, HttpContext } from '../context.js';
import type { HttpDeps } from '../deps.js';
import { redactConfig } from '../../config/redact.js';
import { decodeScan } from '../../decode/index.js';
import { ErrorSchema } from '../errors.js';
import { DecodeReply, SummaryReply, type DocumentView } from '../tech-schemas.js';
import { codeText, refusalView, scannerView } from '../views.js';

const DAY_MS = 86_400_000;

async function diskOf(path: string): Promise<{ path: string; freeBytes: number; totalBytes: number } | null> {
  try {
    const s = await statfs(dirname(path));
    return { path: dirname(path), freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch {
    return null;
  }
}

export function techToolRoutes(app: Api, { deps, sessions }: HttpContext): void {
  const guard = requireTechnician(sessions);
  const log = deps.logger.child({ module: 'http' });

  app.get(
    '/api/tech/summary',
    { preHandler: guard, schema: { response: { 200: SummaryReply, 401: ErrorSchema } } },
    async (_req, reply) => {
      const now = deps.clock.now();
      const f = deps.forwarder.status();
      const oldest = deps.store.oldestPending();
      const since = now.getTime() - DAY_MS;
      void reply.header('cache-control', 'no-store');
      return {
        device: { id: deps.config.device.id, site: deps.config.device.site },
        versions: { qrgate: deps.version, node: process.version, fastify: app.version, os: `${osType()} ${release()}` },
        startedAt: deps.zone.iso(deps.startedAt),
        uptimeSec: Math.round((now.getTime() - deps.startedAt.getTime()) / 1000),
        disk: await diskOf(deps.config.store.path),
        store: {
          path: deps.config.store.path,
          bytes: deps.store.sizeBytes(),
          pending: deps.store.pendingCount(),
          oldestPendingAgeSec: oldest === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(oldest.scannedAt)) / 1000)),
          lastSeq: deps.store.lastSeq(),
          alarms: deps.store.alarms.map((a) => ({ ...codeText(a.code), detail: a.detail })),
          refusing: refusingOf(deps),
        },
        clock: { synced: deps.clockSynced(), mode: String(deps.config.clock.synced), now: deps.zone.iso(now) },
        mqtt: {
          state: f.state,
          since: f.since,
          reconnects: f.reconnects,
          protocolVersion: f.protocolVersion,
          inFlight: f.inFlight,
          lastAckAt: f.lastAckAt,
          lastError: f.lastError === null ? null : { ...codeText(f.lastError.code), detail: f.lastError.detail },
        },
        scanners: deps.scanners().map((s) => ({ ...scannerView(s), detail: s.state === 'stopped' ? '' : s.detail })),
        rejects: {
          since: deps.zone.iso(since),
          byCode: deps.store.rejectCountsSince(since).map((r) => ({ ...codeText(r.code), count: r.count })),
        },
        config: redactConfig(deps.config) as typeof deps.config,
      };
    },
  );

  app.post(
    '/api/tech/decode',
    {
      preHandler: guard,
      schema: {
        body: Type.Object({ payload: Type.String({ maxLength: 8192 }), at: Type.Optional(Type.String({ format: 'date-time' })) }),
        response: { 200: DecodeReply, 401: ErrorSchema, 400: ErrorSchema },
      },
    },
    (req) => {
      const at = req.body.at === undefined ? deps.clock.now() : new Date(req.body.at);
      // The kiosk's zone at that instant, as the pipeline decodes a real scan: the same card, the same verdict.
      const result = decodeScan(Buffer.from(req.body.payload, 'utf8'), at, { utcOffsetMinutes: deps.zone.offsetMinutes(at) });
      // The technician pasted the payload and sees the result; the log only learns that a test was made.
      log.info({ event: 'decode-test', ok: result.ok, code: result.ok ? undefined : result.code, ...actor(req) }, 'decode tester used');
      if (!result.ok) return { ok: false, error: codeText(result.code), warnings: [] };
      return {
        ok: true,
        format: result.format,
        // The decoders' own type, wider than the schema's mutable arrays; the schema still filters the fields.
        document: result.document as DocumentView,
        warnings: result.warnings.map((w) => ({ ...codeText(w.code), ...(w.field === undefined ? {} : { field: w.field }) })),
      };
    },
  );
}

/** The store's refusal: its code, the state in words (as on the main panel), and the store's detail. */
function refusingOf(deps: HttpDeps): { code: string; vi: string; en: string; detail: string } | null {
  try {
    const r = deps.store.refusal();
    return r === null ? null : { ...refusalView(r.code), detail: r.detail };
  } catch (err) {
    return { ...refusalView('E_STORE_WRITE'), detail: `the store does not answer: ${(err as Error).message}` };
  }
}
