/**
 * Keyed hashes of a document: the number, for a tracer's search, and the person, for counting distinct people —
 * the kiosk's rule (src/store/person-key.ts): a 12-digit personal number is one person on any document but BHYT.
 */
import type { Sealer } from '../store/sealer.js';

export function numberMac(sealer: Sealer, number: string): Buffer {
  return sealer.mac(`number:${number.replace(/\s+/g, '')}`);
}

/**
 * A 12-digit personal number (not BHYT) is the person: its number hash is reused (one HMAC less per check-in on the
 * ingest's hot path; `numberMac` is passed in). Any other document is a person of its own type and number.
 */
export function personMac(sealer: Sealer, doc: { readonly type: string; readonly number: string }, numberHash: Buffer): Buffer {
  const n = doc.number.replace(/\s+/g, '');
  return doc.type !== 'bhyt' && /^\d{12}$/.test(n) ? numberHash : sealer.mac(`person:${doc.type}:${n}`);
}
