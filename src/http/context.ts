/** What every route file receives: the deps, the shared state of the HTTP layer, and the typed instance. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Sessions } from './auth/sessions.js';
import type { HttpDeps } from './deps.js';
import type { LiveFeed } from './live-feed.js';
import type { HostAllowList, TrustedClients } from './request-guards.js';
import type { StatusSource } from './status.js';

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpContext {
  readonly deps: HttpDeps;
  readonly status: StatusSource;
  readonly feed: LiveFeed;
  readonly sessions: Sessions;
  readonly hosts: HostAllowList;
  /** Addresses that may add manual check-ins without a login (http.trustedClients). */
  readonly trusted: TrustedClients;
}
