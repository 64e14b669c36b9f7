/** `GET /events`: the live stream for the page (Server-Sent Events; format in docs/http.md). */
import type { Api, HttpContext } from '../context.js';
import { sendError } from '../errors.js';
import { normalizeAddress } from '../request-guards.js';

export function eventRoutes(app: Api, { feed, trusted }: HttpContext): void {
  app.get('/events', (req, reply) => {
    const address = normalizeAddress(req.socket.remoteAddress ?? req.ip);
    const isTrusted = trusted.has(address);
    const admission = feed.admit(address, isTrusted);
    if (admission !== 'ok') {
      req.log.warn(
        { code: admission === 'busy' ? 'E_HTTP_BUSY' : 'E_HTTP_TOO_MANY_STREAMS', ip: address, clients: feed.size },
        'event stream refused',
      );
      void reply.header('retry-after', '10');
      return admission === 'busy' ? sendError(reply, 'E_HTTP_BUSY') : sendError(reply, 'E_HTTP_TOO_MANY_STREAMS');
    }
    // The stream outlives the handler: fastify lets go of the response and the feed owns it until it closes.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    feed.add(reply.raw, address, isTrusted);
    req.log.debug({ clients: feed.size }, 'event stream opened');
    return reply;
  });
}
