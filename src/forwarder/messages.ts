import type { Checkin, Reject } from '../store/types.js';
import type { CheckinMessage, RejectMessage } from './contract.js';

export interface Origin {
  readonly site: string;
  readonly device: string;
}

export function checkinMessage(c: Checkin, origin: Origin, fields: 'full' | 'minimal'): CheckinMessage {
  const document = fields === 'full' ? c.document : { type: c.document.type, number: c.document.number, name: c.document.name };
  return {
    v: 1,
    id: c.id,
    seq: c.seq,
    site: origin.site,
    device: origin.device,
    scanner: c.scanner,
    direction: c.direction,
    auto: c.auto,
    scannedAt: c.scannedAt,
    clockSynced: c.clockSynced,
    document,
    warnings: c.warnings.map((w) => w.code),
  };
}

export function rejectMessage(r: Reject, origin: Origin): RejectMessage {
  return { v: 1, id: r.id, site: origin.site, device: origin.device, scanner: r.scanner, scannedAt: r.scannedAt, code: r.code };
}
