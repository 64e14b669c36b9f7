import type { Checkin, OutboxCheckin, Reject } from '../store/types.js';
import type { MinimalDocument, RejectMessage } from './contract.js';

export interface Origin {
  readonly site: string;
  readonly device: string;
}

/** A check-in committed in this process, in the outbox's form (the live lane). */
export function outboxOf(c: Checkin): OutboxCheckin {
  const { document, warnings, ...rest } = c;
  return { ...rest, documentJson: JSON.stringify(document), warningCodes: warnings.map((w) => w.code) };
}

/**
 * The `B/checkins` body (a CheckinMessage, docs/mqtt.md), written as text around the document's sealed JSON: the
 * drain sends every pending row through here, and parsing each document only to serialize it again cost more than
 * the rest of the message. Strings from the row go through JSON.stringify, so nothing can break out of its field.
 */
export function checkinBody(c: OutboxCheckin, origin: Origin, fields: 'full' | 'minimal'): string {
  const document = fields === 'full' ? c.documentJson : JSON.stringify(minimal(JSON.parse(c.documentJson) as MinimalDocument));
  return (
    `{"v":1,"id":${JSON.stringify(c.id)},"seq":${c.seq},"site":${JSON.stringify(origin.site)},"device":${JSON.stringify(origin.device)}` +
    `,"scanner":${JSON.stringify(c.scanner)},"direction":${JSON.stringify(c.direction)},"auto":${c.auto},"scannedAt":${JSON.stringify(c.scannedAt)}` +
    `,"clockSynced":${c.clockSynced},"document":${document},"warnings":${JSON.stringify(c.warningCodes)}}`
  );
}

function minimal(d: MinimalDocument): MinimalDocument {
  return { type: d.type, number: d.number, name: d.name };
}

export function rejectMessage(r: Reject, origin: Origin): RejectMessage {
  return { v: 1, id: r.id, site: origin.site, device: origin.device, scanner: r.scanner, scannedAt: r.scannedAt, code: r.code };
}
