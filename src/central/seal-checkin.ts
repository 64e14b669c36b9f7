/** A validated check-in made into the row central stores: the body sealed (AAD: its id), number and person hashed. */
import type { Sealer } from '../store/sealer.js';
import { numberMac, personMac } from './person.js';
import type { CheckinDraft, CheckinRow } from './store-types.js';

export function sealCheckin(sealer: Sealer, d: CheckinDraft): CheckinRow {
  const numberHash = numberMac(sealer, d.number);
  return {
    id: d.id,
    site: d.site,
    device: d.device,
    seq: d.seq,
    direction: d.direction,
    docType: d.docType,
    scannedAt: d.scannedAt,
    scannedMs: d.scannedMs,
    clockSynced: d.clockSynced,
    receivedMs: d.receivedMs,
    numberMac: numberHash,
    personMac: personMac(sealer, { type: d.docType, number: d.number }, numberHash),
    sealed: sealer.seal(d.body, d.id),
  };
}
