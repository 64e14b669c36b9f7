/**
 * The status page and local API as one encapsulated fastify plugin, built in a function so tests use `inject()`
 * without a socket; the composition root (src/app.ts) calls `listen()` and `close()`.
 */
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyPluginAsync } from 'fastify';
import { Sessions } from './auth/sessions.js';
import type { Api, HttpContext } from './context.js';
import type { HttpDeps } from './deps.js';
import { ConnectionGuard } from './connection-guard.js';
import { lazyCompilers } from './lazy-compilers.js';
import { handleError, sendError } from './errors.js';
import { LiveFeed } from './live-feed.js';
import { eventRoutes } from './routes/events.js';
import { exportRoutes } from './routes/export.js';
import { manualRoutes } from './routes/manual.js';
import { metricsRoutes } from './routes/metrics.js';
import { pageRoutes } from './routes/pages.js';
import { statusRoutes } from './routes/status.js';
import { techAuthRoutes } from './routes/tech-auth.js';
import { techToolRoutes } from './routes/tech-tools.js';
import { HostAllowList, refusal, TrustedClients } from './request-guards.js';
import { StatusSource } from './status.js';

/** Requests are small JSON bodies (a password, a pasted payload of at most 8 KiB). */
const BODY_LIMIT = 64 * 1024;
/**
 * Socket time limits, so that slow or idle clients give their descriptors back: the headers of a request within 10 s
 * of its first byte (or of the connection), the whole request within 30 s (a response may take longer: the live feed
 * and an export), an idle keep-alive connection closed after 5 s. Node checks them every 2 s (default 30 s).
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const CONNECTIONS_CHECK_MS = 2_000;

/**
 * Scripts, styles and the event stream from this kiosk only; no inline script or style, no framing. No
 * upgrade-insecure-requests and no HSTS: the page is plain HTTP on the LAN, and upgrading its own requests to
 * https would break it.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

export const httpPlugin: FastifyPluginAsync<HttpDeps> = async (instance, deps) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES }, hsts: false });
  await app.register(cookie);
  // Per-route limits only (login, manual entry): the page and the scrapers must never be throttled.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({ statusCode: ctx.statusCode, message: 'rate limited' }),
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_req, reply) => sendError(reply, 'E_HTTP_NOT_FOUND'));

  const status = new StatusSource(deps);
  const http = deps.config.http;
  const feed = new LiveFeed(status, deps.metrics, deps.clock, {
    maxStreams: http.maxEventStreams,
    maxPerClient: http.maxEventStreamsPerClient,
  });
  const hosts = new HostAllowList(http.allowedHosts, http.host);
  const sessions = new Sessions(http.sessionTtlMin * 60_000, () => deps.clock.now().getTime());
  const ctx: HttpContext = { deps, status, feed, sessions, hosts, trusted: new TrustedClients(http.trustedClients) };
  // Before any route: a foreign Host (DNS rebinding) or a state change from another origin is refused.
  app.addHook('onRequest', async (req, reply) => {
    const refused = refusal(req, hosts);
    if (refused === null) return;
    req.log.warn({ code: refused, ip: req.socket.remoteAddress, method: req.method }, 'request refused');
    await sendError(reply, refused);
  });
  // Open event streams would keep close() waiting for ever: end them first.
  app.addHook('preClose', (done) => {
    feed.close();
    done();
  });

  pageRoutes(app, ctx);
  statusRoutes(app, ctx);
  eventRoutes(app, ctx);
  metricsRoutes(app, ctx);
  manualRoutes(app, ctx);
  techAuthRoutes(app, ctx);
  techToolRoutes(app, ctx);
  exportRoutes(app, ctx);
};

export function buildHttpServer(deps: HttpDeps): Api {
  // Typed as fastify's base logger, so the instance is the plain `Api` every route file is written against.
  const logger: FastifyBaseLogger = deps.logger.child({ module: 'http' });
  const app = Fastify({
    loggerInstance: logger,
    // One line per request would drown the journal (the page and scrapers poll); errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CONNECTIONS_CHECK_MS },
    forceCloseConnections: true,
    return503OnClosing: true,
    schemaController: { compilersFactory: lazyCompilers() },
  }).withTypeProvider<TypeBoxTypeProvider>();
  const http = deps.config.http;
  new ConnectionGuard(
    { maxConnections: http.maxConnections, maxPerClient: http.maxConnectionsPerClient },
    { trusted: new TrustedClients(http.trustedClients), clock: deps.clock, warn: (fields, msg) => logger.warn(fields, msg) },
  ).attach(app.server);
  void app.register(httpPlugin, deps);
  return app;
}
