/**
 * `POST /api/manual`: a visitor without any QR. The receptionist types the 12-digit number (and the name); the
 * pipeline validates it by the decoder's rules and records a check-in of type "id-number" with manual: true.
 * No login from the trusted client addresses (http.trustedClients: the kiosk's own screen); from anywhere else a
 * technician login. Rate-limited, JSON only and same-origin only, so a cross-site page cannot post it.
 */
import { Type } from 'typebox';
import { SESSION_COOKIE } from '../auth/sessions.js';
import type { Api, HttpContext } from '../context.js';
import { ErrorSchema, sendError } from '../errors.js';
import { ScanViewSchema } from '../schemas.js';
import { checkinView, rejectView } from '../views.js';

const ManualBody = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 32 }),
    name: Type.Optional(Type.String({ maxLength: 120 })),
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('toggle')])),
  },
  { additionalProperties: false },
);

const ManualReply = Type.Object({ ok: Type.Boolean(), scan: ScanViewSchema });

export function manualRoutes(app: Api, { deps, trusted, sessions }: HttpContext): void {
  app.post(
    '/api/manual',
    {
      schema: { body: ManualBody, response: { 200: ManualReply, 422: ManualReply, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema } },
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      onRequest: async (req, reply) => {
        if (trusted.has(req) || sessions.get(req.cookies[SESSION_COOKIE]) !== null) return;
        req.log.warn({ code: 'E_HTTP_LOGIN_REQUIRED', ip: req.socket.remoteAddress }, 'manual entry refused');
        await sendError(reply, 'E_HTTP_LOGIN_REQUIRED');
      },
    },
    (req, reply) => {
      const outcome = deps.pipeline.manual({ number: req.body.number.trim(), name: req.body.name, direction: req.body.direction });
      if (outcome.ok) return { ok: true, scan: checkinView(outcome.checkin) };
      void reply.code(422);
      return { ok: false, scan: rejectView(outcome.reject) };
    },
  );
}
