/**
 * Keyed hashes of a document: the number, for a tracer's search, and the person, for counting distinct people —
 * the kiosk's rule (src/store/person-key.ts): a 12-digit personal number is one person on any document but BHYT.
 */
import type { Sealer } from '../store/sealer.js';

export function numberMac(sealer: Sealer, number: string): Buffer {
  return sealer.mac(`number:${number.replace(/\s+/g, '')}`);
}

export function personMac(sealer: Sealer, doc: { readonly type: string; readonly number: string }): Buffer {
  const n = doc.number.replace(/\s+/g, '');
  return sealer.mac(doc.type !== 'bhyt' && /^\d{12}$/.test(n) ? `person:pid:${n}` : `person:${doc.type}:${n}`);
}
