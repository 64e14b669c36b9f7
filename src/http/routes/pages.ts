/** `GET /` (receptionist), `GET /tech` (technician) and `GET /assets/:name`: the static page, no build step. */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { loadAssets, PUBLIC_DIR, type Asset } from '../assets.js';
import type { Api, HttpContext } from '../context.js';

export function pageRoutes(app: Api, { deps }: HttpContext): void {
  const assets = loadAssets();
  if (!assets.has('index.html'))
    deps.logger.error(
      { code: 'E_HTTP_ASSETS', dir: PUBLIC_DIR },
      'status page files are missing (run "npm run build"); the API still works',
    );

  const serve = (asset: Asset | undefined, reply: FastifyReply): FastifyReply => {
    if (asset === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    // Revalidate every time, so a new version reaches the kiosks without a hard refresh.
    return reply.header('cache-control', 'no-cache').type(asset.type).send(asset.body);
  };
  const page =
    (name: string) =>
    (_req: unknown, reply: FastifyReply): FastifyReply =>
      assets.has(name)
        ? serve(assets.get(name), reply)
        : reply
            .code(500)
            .type('text/plain; charset=utf-8')
            .send(`qrgate: the status page files are missing in ${PUBLIC_DIR}; run "npm run build".`);

  app.get('/', page('index.html'));
  app.get('/tech', page('tech.html'));
  app.get(
    '/assets/:name',
    { schema: { params: Type.Object({ name: Type.String({ pattern: '^[a-z0-9-]+\\.(js|css|svg)$' }) }) } },
    (req, reply) => serve(assets.get(req.params.name), reply),
  );
  app.get('/favicon.ico', (_req, reply) => serve(assets.get('favicon.svg'), reply));
}
