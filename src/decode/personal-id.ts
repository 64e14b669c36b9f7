/**
 * The structure of the 12-digit personal ID number (số định danh cá nhân), Nghị định 137/2015 Art. 13:
 * `PPP G YY RRRRRR` — registration province, century-and-sex digit, last two digits of the birth year, random.
 * There is no check digit, so the only checks are these cross-checks against the card's other fields.
 */
import { isKnownRegistrationCode } from './provinces.js';
import { warning } from './result.js';
import type { Sex, Warning } from './types.js';

export const PERSONAL_ID = /^\d{12}$/;

export interface PersonalIdFacts {
  readonly registrationCode: string;
  readonly knownRegistration: boolean;
  readonly birthYear: number;
  readonly sex: Sex;
}

/** Facts encoded in a number that already matched PERSONAL_ID. */
export function personalIdFacts(number: string): PersonalIdFacts {
  const g = Number(number[3]);
  const yy = Number(number.slice(4, 6));
  const registrationCode = number.slice(0, 3);
  return {
    registrationCode,
    knownRegistration: isKnownRegistrationCode(registrationCode),
    // G = 0/1 → 1900s, 2/3 → 2000s, … ; even is male, odd is female.
    birthYear: (Math.floor(g / 2) + 19) * 100 + yy,
    sex: g % 2 === 0 ? 'M' : 'F',
  };
}

/** Warnings from comparing the number's encoded facts with what the card states. */
export function crossCheckPersonalId(number: string, stated: { readonly birthYear: number | null; readonly sex: Sex | null }): Warning[] {
  const facts = personalIdFacts(number);
  const warnings: Warning[] = [];
  if (!facts.knownRegistration) warnings.push(warning('W_UNKNOWN_PROVINCE', 'number'));
  if (stated.sex !== null && stated.sex !== facts.sex) warnings.push(warning('W_SEX_MISMATCH', 'sex'));
  if (stated.birthYear !== null && stated.birthYear !== facts.birthYear) {
    warnings.push(warning('W_BIRTH_YEAR_MISMATCH', 'birthDate'));
  }
  return warnings;
}
