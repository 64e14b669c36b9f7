/** `GET /metrics`: Prometheus text format from the daemon's own registry. */
import type { Api, HttpContext } from '../context.js';

export function metricsRoutes(app: Api, { deps }: HttpContext): void {
  app.get('/metrics', async (_req, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.header('cache-control', 'no-store').type(deps.metrics.registry.contentType).send(body);
  });
}
