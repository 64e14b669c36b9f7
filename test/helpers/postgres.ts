/**
 * A real, throwaway PostgreSQL cluster (Debian's server, initdb into a temporary folder, a free loopback port, fsync
 * on). One implementation serves the tests, the benchmarks and the chaos suite: scripts/lib/postgres.mjs.
 * postgresFixture() is the vitest wiring: ONE cluster per test file (initdb costs about a second), a fresh database
 * per test.
 */
import { afterAll, beforeAll } from 'vitest';
import { Postgres, requirePostgres } from '../../scripts/lib/postgres.mjs';

export { Postgres, requirePostgres, type PostgresOptions } from '../../scripts/lib/postgres.mjs';

export interface PostgresFixture {
  /** The file's cluster (started in beforeAll). */
  readonly server: () => Postgres;
  /** A new empty database on it; its URL. */
  readonly freshDatabase: () => Promise<string>;
}

export function postgresFixture(): PostgresFixture {
  let server: Postgres | undefined;
  beforeAll(async () => {
    requirePostgres();
    server = await Postgres.start();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  const get = (): Postgres => {
    if (server === undefined)
      throw new Error('the PostgreSQL cluster is not started (postgresFixture() must be called in the file, outside a test)');
    return server;
  };
  return { server: get, freshDatabase: () => get().createDatabase() };
}
