import type { IdentityDocument } from '../decode/index.js';

/**
 * Who a document belongs to, for "who is inside" and toggle direction: the 12-digit personal number is the same on
 * the CCCD card, the VNeID QR, a typed number and an unmasked PC-Covid QR, so those are one person; a BHYT card
 * number is its own key.
 */
export function personKey(doc: IdentityDocument): string {
  if (doc.type !== 'bhyt' && /^\d{12}$/.test(doc.number)) return `pid:${doc.number}`;
  return `${doc.type}:${doc.number}`;
}
