/**
 * `POST /api/tech/login`, `POST /api/tech/logout`, `GET /api/tech/session`. The session cookie is HttpOnly (page
 * scripts cannot read it) and SameSite=Strict (no other site can make the browser send it); logins are limited per
 * address, and the hash comparison is constant-time.
 */
import { Type } from 'typebox';
import { readPasswordHash } from '../auth/password-file.js';
import { verifyPassword } from '../auth/password.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import type { Api, HttpContext } from '../context.js';
import { ErrorSchema, fail } from '../errors.js';

const LOGIN_ATTEMPTS_PER_MINUTE = 5;

const SessionReply = Type.Object({
  authenticated: Type.Boolean(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  passwordSet: Type.Boolean(),
});

export function techAuthRoutes(app: Api, { deps, sessions }: HttpContext): void {
  const log = deps.logger.child({ module: 'http' });
  const file = deps.config.http.passwordHashFile;
  const ttlSec = deps.config.http.sessionTtlMin * 60;

  app.post(
    '/api/tech/login',
    {
      schema: {
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }),
        response: { 401: ErrorSchema, 429: ErrorSchema, 503: ErrorSchema, 400: ErrorSchema },
      },
      config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const lookup = await readPasswordHash(file);
      if (!lookup.ok) {
        log.error({ code: 'E_HTTP_NO_PASSWORD', reason: lookup.reason }, 'technician login impossible');
        return fail(reply, 'E_HTTP_NO_PASSWORD');
      }
      if (!(await verifyPassword(req.body.password, lookup.hash))) {
        log.warn({ event: 'login-failed', ip: req.ip }, 'technician login failed');
        return fail(reply, 'E_HTTP_LOGIN_FAILED');
      }
      const { token, session } = sessions.create(req.ip);
      log.info({ event: 'login', session: session.ref, ip: req.ip }, 'technician logged in');
      void reply
        .setCookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          maxAge: ttlSec,
          secure: req.protocol === 'https',
        })
        .code(204);
      return undefined;
    },
  );

  app.post('/api/tech/logout', (req, reply) => {
    const session = sessions.get(req.cookies[SESSION_COOKIE]);
    sessions.delete(req.cookies[SESSION_COOKIE]);
    if (session !== null) log.info({ event: 'logout', session: session.ref, ip: req.ip }, 'technician logged out');
    return reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' }).code(204).send();
  });

  app.get('/api/tech/session', { schema: { response: { 200: SessionReply } } }, (req, reply) => {
    const session = sessions.get(req.cookies[SESSION_COOKIE]);
    void reply.header('cache-control', 'no-store');
    return {
      authenticated: session !== null,
      expiresAt: session === null ? null : deps.zone.iso(session.expiresAt),
      passwordSet: file !== undefined,
    };
  });
}
