/**
 * The national unified personal QR of the COVID era (PC-Covid and the other apps, guideline v1.1 of 2021-09-11):
 * `SoGiayTo|HoTen|NgaySinh|LoaiDinhDanh|QID|EXT`. The app masks the first characters of the number and may mask the
 * day and month of birth; those are kept masked, never guessed. EXT (sex, phone, BHYT number…) has no documented
 * order, so it is not read at all: reading it would mean guessing, and it can hold a phone number.
 */
import { civilDate, isMaskableIsoDate, parseYearFirstMasked } from './dates.js';
import { checkBirthNotFuture, textField, toIso, yearOf } from './fields.js';
import { crossCheckPersonalId, PERSONAL_ID } from './personal-id.js';
import { reject } from './result.js';
import type { DecodeContext, DecodeResult, PcCovidDocument, Warning } from './types.js';

const NUMBER = /^[0-9A-Z*]{6,20}$/;

export function isPcCovidLayout(fields: readonly string[]): boolean {
  return fields.length === 6 && isMaskableIsoDate(fields[2] ?? '') && /^[01]$/.test((fields[3] ?? '').trim());
}

export function decodePcCovid(fields: readonly string[], ctx: DecodeContext): DecodeResult {
  if (!isPcCovidLayout(fields)) return reject('E_PCCOVID_FIELDS');
  const number = (fields[0] ?? '').trim().toUpperCase();
  if (!NUMBER.test(number) || /^\*+$/.test(number)) return reject('E_PCCOVID_FIELDS');
  const numberMasked = number.includes('*');

  const warnings: Warning[] = [];
  const birthDate = toIso(parseYearFirstMasked(fields[2] ?? ''), 'birthDate', warnings);
  checkBirthNotFuture(birthDate, civilDate(ctx.scannedAt, ctx.utcOffsetMinutes), warnings);
  // Only the birth year can be compared: the name is written without diacritics and sex sits in EXT.
  if (!numberMasked && PERSONAL_ID.test(number)) {
    warnings.push(...crossCheckPersonalId(number, { birthYear: yearOf(birthDate), sex: null }));
  }

  const document: PcCovidDocument = {
    type: 'pccovid',
    number,
    name: textField(fields[1]),
    birthDate,
    sex: null,
    numberMasked,
    declaredOnBehalf: (fields[3] ?? '').trim() === '1',
    qid: textField(fields[4]),
  };
  return { ok: true, format: 'pccovid', document, warnings };
}
