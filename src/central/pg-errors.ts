/**
 * PostgreSQL failures as the store codes of the one catalog, so that no caller meets a raw pg error: a server that
 * cannot be reached, is shutting down, has no connection left, or did not answer within the statement timeout is
 * E_STORE_UNAVAILABLE (the ingest does not acknowledge; the kiosks send again); anything the server refused (full
 * disk, read-only, privileges, a constraint) is E_STORE_REFUSED with its SQLSTATE.
 */
import pg from 'pg';
import { StoreError } from '../store/errors.js';

/** SQLSTATEs that mean "not reachable now": connection exceptions, shutdown, too many connections, a timeout. */
const UNAVAILABLE = /^(08...|57P0[1-3]|53300|57014)$/;

/** Where the store points, for messages: host, port and database, never the password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname === '' ? '' : u.pathname}`;
  } catch {
    return 'the database URL';
  }
}

export function toPgStoreError(err: unknown, where: string): StoreError | Error {
  if (err instanceof StoreError) return err;
  if (err instanceof pg.DatabaseError) {
    const state = err.code ?? '?????';
    const detail = `${where}: SQLSTATE ${state} ${err.message}`;
    return new StoreError(UNAVAILABLE.test(state) ? 'E_STORE_UNAVAILABLE' : 'E_STORE_REFUSED', detail, { cause: err });
  }
  // A mistake in the caller's values (pg throws these while serializing parameters) stays what it is.
  if (err instanceof TypeError || err instanceof RangeError) return err;
  // Everything else pg raises on its own is about the connection: refused, reset, timed out, the pool ended.
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreError('E_STORE_UNAVAILABLE', `${where}: ${typeof code === 'string' ? `${code} ` : ''}${message}`, { cause: err });
}
