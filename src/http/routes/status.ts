/** `GET /api/status`, `GET /health` and `GET /health/:subsystem`. No login: states and counts, masked. */
import { Type } from 'typebox';
import type { Api, HttpContext } from '../context.js';
import { ErrorSchema, fail } from '../errors.js';
import { checkHealth, SUBSYSTEMS, type Subsystem } from '../health.js';
import { HealthSchema, StatusSchema } from '../schemas.js';

const CheckOnly = Type.Object({ ok: Type.Boolean(), detail: Type.String() });

export function statusRoutes(app: Api, { deps, status }: HttpContext): void {
  app.get('/api/status', { schema: { response: { 200: StatusSchema } } }, (_req, reply) => {
    void reply.header('cache-control', 'no-store');
    return status.snapshot();
  });

  app.get('/health', { schema: { response: { 200: HealthSchema, 503: HealthSchema } } }, (_req, reply) => {
    const health = checkHealth(deps);
    void reply.code(health.status === 'ok' ? 200 : 503).header('cache-control', 'no-store');
    return health;
  });

  app.get(
    '/health/:subsystem',
    { schema: { params: Type.Object({ subsystem: Type.String() }), response: { 200: CheckOnly, 503: CheckOnly, 404: ErrorSchema } } },
    (req, reply) => {
      const name = req.params.subsystem;
      if (!(SUBSYSTEMS as readonly string[]).includes(name)) return fail(reply, 'E_HTTP_NOT_FOUND', `known: ${SUBSYSTEMS.join(', ')}`);
      const check = checkHealth(deps).checks[name as Subsystem];
      void reply.code(check.ok ? 200 : 503).header('cache-control', 'no-store');
      return check;
    },
  );
}
