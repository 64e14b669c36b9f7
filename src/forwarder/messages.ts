import type { Checkin, OutboxCheckin, Reject } from '../store/types.js';
import type { CheckinMessage, Encoded, MinimalDocument, RejectMessage } from './contract.js';

export interface Origin {
  readonly site: string;
  readonly device: string;
}

/** A check-in committed in this process, in the outbox's form (the live lane). */
export function outboxOf(c: Checkin): OutboxCheckin {
  const { document, warnings, ...rest } = c;
  return { ...rest, documentJson: JSON.stringify(document), warningCodes: warnings.map((w) => w.code) };
}

/** The fields of a `B/checkins` body before its document. */
export type CheckinHead = Pick<OutboxCheckin, 'id' | 'seq' | 'scanner' | 'direction' | 'auto' | 'scannedAt' | 'clockSynced'>;

/**
 * The `B/checkins` body (a CheckinMessage, docs/mqtt.md), written as text around the document's sealed JSON: the
 * drain sends every pending row through here, and parsing each document only to serialize it again cost more than
 * the rest of the message. Strings from the row go through JSON.stringify, so nothing can break out of its field.
 */
export function checkinBody(c: OutboxCheckin, origin: Origin, fields: 'full' | 'minimal'): CheckinBody {
  const document = fields === 'full' ? c.documentJson : minimalDocument(c.documentJson);
  return (checkinHead(c, originJson(origin)) + document + checkinTail(c.warningCodes)) as CheckinBody;
}

/** A `B/checkins` body: a CheckinMessage as JSON text. */
export type CheckinBody = Encoded<CheckinMessage>;

/** The site and device as JSON string literals, once per origin rather than once per message. */
export interface OriginJson {
  readonly site: string;
  readonly device: string;
}

let lastOrigin: Origin | undefined;
let lastOriginJson: OriginJson | undefined;

export function originJson(origin: Origin): OriginJson {
  if (origin !== lastOrigin || lastOriginJson === undefined) {
    lastOrigin = origin;
    lastOriginJson = { site: JSON.stringify(origin.site), device: JSON.stringify(origin.device) };
  }
  return lastOriginJson;
}

/** A body up to and including `"document":`; the document's JSON and checkinTail() follow it. */
export function checkinHead(c: CheckinHead, origin: OriginJson): string {
  return (
    `{"v":1,"id":${JSON.stringify(c.id)},"seq":${c.seq},"site":${origin.site},"device":${origin.device}` +
    `,"scanner":${JSON.stringify(c.scanner)},"direction":${JSON.stringify(c.direction)},"auto":${c.auto},"scannedAt":${JSON.stringify(c.scannedAt)}` +
    `,"clockSynced":${c.clockSynced},"document":`
  );
}

/** What follows the document in a body. */
export function checkinTail(warningCodes: readonly string[]): string {
  return warningCodes.length === 0 ? ',"warnings":[]}' : `,"warnings":${JSON.stringify(warningCodes)}}`;
}

/** The document as `documentFields: minimal` sends it. */
export function minimalDocument(documentJson: string): string {
  return JSON.stringify(minimal(JSON.parse(documentJson) as MinimalDocument));
}

function minimal(d: MinimalDocument): MinimalDocument {
  return { type: d.type, number: d.number, name: d.name };
}

export function rejectMessage(r: Reject, origin: Origin): RejectMessage {
  return { v: 1, id: r.id, site: origin.site, device: origin.device, scanner: r.scanner, scannedAt: r.scannedAt, code: r.code };
}
