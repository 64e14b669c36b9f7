/** The fleet page's static files (src/central/public, copied to dist by scripts/copy-assets.mjs), served by name. */
import type { FastifyInstance } from 'fastify';
import { fileURLToPath } from 'node:url';
import { loadAssets } from '../http/assets.js';
import type { Logger } from '../logger.js';

export const CENTRAL_PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

export function pageRoutes(app: FastifyInstance, logger: Logger): void {
  const assets = loadAssets(CENTRAL_PUBLIC_DIR);
  if (!assets.has('fleet.html'))
    logger.error({ dir: CENTRAL_PUBLIC_DIR }, 'fleet page files are missing (run "npm run build"); the API still works');
  const names: Record<string, string> = {
    '/': 'fleet.html',
    '/fleet.js': 'fleet.js',
    '/fleet.css': 'fleet.css',
    '/fleet-i18n.js': 'fleet-i18n.js',
  };
  app.get('/favicon.ico', (_req, reply) => reply.code(204).send());
  for (const [path, name] of Object.entries(names)) {
    app.get(path, (_req, reply) => {
      const a = assets.get(name);
      if (a === undefined) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
      return reply.header('cache-control', 'no-cache').type(a.type).send(a.body);
    });
  }
}
