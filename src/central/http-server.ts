/**
 * The fleet page and API (fastify): login, the fleet, tracer queries, health and metrics. Built in a function so
 * tests use `inject()`; the composition root calls `listen()` and `close()`.
 */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { verifyPassword, parseHash } from '../http/auth/password.js';
import { handleError, sendError } from '../http/errors.js';
import { CSP_DIRECTIVES } from '../http/server.js';
import { lazyCompilers } from '../http/lazy-compilers.js';
import type { Logger } from '../logger.js';
import type { CentralConfig } from './config-schema.js';
import { buildFleet, type FleetDeps } from './fleet.js';
import type { CentralMetrics } from './metrics.js';
import { pageRoutes } from './http-pages.js';
import { traceRoutes } from './http-trace.js';
import { CENTRAL_SESSION_COOKIE, mayAct, type Operator, type OperatorSessions } from './sessions.js';
import type { CentralStore, Role } from './store-types.js';
import type { Sealer } from '../store/sealer.js';

const LOGIN_ATTEMPTS_PER_MINUTE = 10;

declare module 'fastify' {
  interface FastifyRequest {
    operator?: Operator;
  }
}

export interface CentralHttpDeps {
  readonly config: CentralConfig;
  readonly store: CentralStore;
  readonly sealer: Sealer;
  readonly sessions: OperatorSessions;
  readonly fleet: FleetDeps;
  readonly metrics: CentralMetrics;
  readonly logger: Logger;
  readonly health: () => Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail: string }> }>;
}

export type CentralApi = FastifyInstance;

export function requireRole(sessions: OperatorSessions, role: Role) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const op = sessions.get(req.cookies[CENTRAL_SESSION_COOKIE]);
    if (op === null) {
      await sendError(reply, 'E_HTTP_OPERATOR_LOGIN');
      return;
    }
    if (!mayAct(op.role, role)) {
      await sendError(reply, 'E_HTTP_FORBIDDEN');
      return;
    }
    req.operator = op;
  };
}

export function buildCentralHttp(deps: CentralHttpDeps): CentralApi {
  const logger: FastifyBaseLogger = deps.logger.child({ module: 'http' });
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 16 * 1024,
    forceCloseConnections: true,
    schemaController: { compilersFactory: lazyCompilers() },
  }).withTypeProvider<TypeBoxTypeProvider>();
  void app.register(async (instance) => {
    const api = instance.withTypeProvider<TypeBoxTypeProvider>();
    await api.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, hsts: false });
    await api.register(cookie);
    await api.register(rateLimit, { global: false });
    api.setErrorHandler(handleError);
    api.setNotFoundHandler((_req, reply) => sendError(reply, 'E_HTTP_NOT_FOUND'));
    const log = deps.logger.child({ module: 'http' });
    const ttlSec = deps.config.http.sessionTtlMin * 60;

    api.post(
      '/api/login',
      {
        schema: {
          body: Type.Object({
            user: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          }),
        },
        config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } },
      },
      async (req, reply) => {
        const u = await deps.store.user(req.body.user);
        const ok = u !== null && (await verifyPassword(req.body.password, parseHash(u.hash)));
        if (!ok || u === null) {
          log.warn({ event: 'login-failed', ip: req.ip }, 'operator login failed');
          return sendError(reply, 'E_HTTP_LOGIN_FAILED');
        }
        const { token, session } = deps.sessions.create(req.body.user, u.role, req.ip);
        log.info({ event: 'login', user: req.body.user, role: u.role, session: session.ref }, 'operator logged in');
        return reply
          .setCookie(CENTRAL_SESSION_COOKIE, token, {
            httpOnly: true,
            sameSite: 'strict',
            path: '/',
            maxAge: ttlSec,
            secure: req.protocol === 'https',
          })
          .send({ user: req.body.user, role: u.role });
      },
    );
    api.post('/api/logout', (req, reply) => {
      deps.sessions.delete(req.cookies[CENTRAL_SESSION_COOKIE]);
      return reply.clearCookie(CENTRAL_SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' }).code(204).send();
    });
    api.get('/api/me', { preHandler: requireRole(deps.sessions, 'viewer') }, (req) => ({
      user: req.operator?.user,
      role: req.operator?.role,
    }));
    api.get('/api/fleet', { preHandler: requireRole(deps.sessions, 'viewer') }, async (_req, reply) =>
      reply.header('cache-control', 'no-store').send(await buildFleet(deps.fleet)),
    );
    api.get('/health', async (_req, reply) => {
      const h = await deps.health();
      return reply.code(h.ok ? 200 : 503).send({ status: h.ok ? 'ok' : 'fail', checks: h.checks });
    });
    api.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
    traceRoutes(api, deps);
    pageRoutes(api, deps.logger);
  });
  return app;
}
