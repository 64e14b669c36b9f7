/** Reads the technician hash file at each login, so changing the password needs no restart. */
import { readFile } from 'node:fs/promises';
import { parseHash, PasswordHashError, type ParsedHash } from './password.js';

export type HashLookup = { readonly ok: true; readonly hash: ParsedHash } | { readonly ok: false; readonly reason: string };

export async function readPasswordHash(file: string | undefined): Promise<HashLookup> {
  if (file === undefined) return { ok: false, reason: 'http.passwordHashFile is not set' };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, reason: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  try {
    return { ok: true, hash: parseHash(text) };
  } catch (err) {
    if (err instanceof PasswordHashError) return { ok: false, reason: `${file}: ${err.message}` };
    throw err;
  }
}
