/**
 * A bare 12-digit personal ID number: typed by a receptionist, or read from a 1-D barcode. The birth year and sex
 * are what the number itself encodes (see personal-id.ts), so the document states only the year.
 */
import { civilDate } from './dates.js';
import { checkBirthNotFuture } from './fields.js';
import { personalIdFacts, PERSONAL_ID } from './personal-id.js';
import { reject, warning } from './result.js';
import type { DecodeContext, DecodeResult, IdNumberDocument, Warning } from './types.js';

/** Digits with the grouping people type: spaces, dots or dashes ("001 190 012 345"). */
export const TYPED_NUMBER = /^[\d][\d .-]*$/;

export function decodeIdNumber(text: string, ctx: DecodeContext): DecodeResult {
  const number = text.replace(/[ .-]/g, '');
  if (!PERSONAL_ID.test(number)) return reject('E_ID_NUMBER');
  const facts = personalIdFacts(number);
  const warnings: Warning[] = [];
  if (!facts.knownRegistration) warnings.push(warning('W_UNKNOWN_PROVINCE', 'number'));
  const birthDate = String(facts.birthYear);
  checkBirthNotFuture(birthDate, civilDate(ctx.scannedAt, ctx.utcOffsetMinutes), warnings);
  const document: IdNumberDocument = { type: 'id-number', number, name: null, birthDate, sex: facts.sex };
  return { ok: true, format: 'id-number', document, warnings };
}
