/** `GET /events`: the live stream for the page (Server-Sent Events; format in docs/http.md). */
import type { Api, HttpContext } from '../context.js';

export function eventRoutes(app: Api, { feed }: HttpContext): void {
  app.get('/events', (req, reply) => {
    // The stream outlives the handler: fastify lets go of the response and the feed owns it until it closes.
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    feed.add(reply.raw);
    req.log.debug({ clients: feed.size }, 'event stream opened');
  });
}
