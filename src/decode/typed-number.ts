/**
 * What a receptionist may type at the manual entry: the 12-digit personal ID number, or a BHYT number as hospital
 * kiosks accept it — the 10-digit mã số BHXH, or the 15-character card number — with or without the spaces, dots
 * or dashes printed on the card (`HS 4 01 0123456789`). Only this door accepts bare BHYT numbers: a scanned
 * 10-digit string keeps its E_ID_NUMBER, since no QR is just that.
 */
import { parseBhytNumber } from './bhyt-number.js';
import { decodeIdNumber } from './id-number.js';
import { PERSONAL_ID } from './personal-id.js';
import { reject } from './result.js';
import type { BhytDocument, DecodeContext, DecodeResult } from './types.js';

const GROUPING = /[\s.-]/g;

export function decodeTypedNumber(text: string, ctx: DecodeContext): DecodeResult {
  const compact = text.replace(GROUPING, '').toUpperCase();
  if (PERSONAL_ID.test(compact)) return decodeIdNumber(compact, ctx);
  const card = compact.length === 10 || compact.length === 15 ? parseBhytNumber(compact) : null;
  if (card === null) return reject('E_MANUAL_NUMBER');
  const document: BhytDocument = {
    type: 'bhyt',
    number: card.number,
    name: null,
    birthDate: null,
    sex: null,
    socialInsuranceNumber: card.socialInsuranceNumber,
    objectCode: card.objectCode,
    benefitLevel: card.benefitLevel,
    provinceCode: card.provinceCode,
    address: null,
    facilityCode: null,
    validFrom: null,
    validTo: null,
    issuedOn: null,
    parentName: null,
    livingArea: null,
    issuePlace: null,
    undecoded: {},
  };
  return { ok: true, format: 'bhyt', document, warnings: card.warnings };
}
