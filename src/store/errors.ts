import { STORE_CODES, type StoreCode } from '../core/codes.js';

/**
 * A store failure with a stable code. The pipeline turns one met while recording (E_STORE_FULL, E_STORE_WRITE) into a
 * refused scan on screen instead of a crash; one met while opening (E_STORE_KEY, E_STORE_VERSION) stops the daemon with 78.
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreCode,
    detail?: string,
    options?: ErrorOptions,
  ) {
    super(detail === undefined ? STORE_CODES[code].en : `${STORE_CODES[code].en} (${detail})`, options);
  }
}

/**
 * SQLite's own result codes, as better-sqlite3 reports them, mapped to ours: a full disk (SQLite says SQLITE_FULL
 * for ENOSPC) is E_STORE_FULL; anything that stops a write — read-only, I/O error, locked — is E_STORE_WRITE.
 */
export function toStoreError(err: unknown): StoreError | null {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return new StoreError('E_STORE_FULL', code, { cause: err });
  if (/^SQLITE_(READONLY|IOERR|CANTOPEN|BUSY|LOCKED|PERM)/.test(code) || code === 'EROFS' || code === 'EACCES') {
    return new StoreError('E_STORE_WRITE', code, { cause: err });
  }
  return null;
}
