/**
 * BHYT card numbers. Cards from 2021 print only the 10-digit mã số BHXH; older cards print 15 characters:
 * `XX B PP NNNNNNNNNN` — beneficiary object code, benefit level, province, then the BHXH number.
 */
import { warning } from './result.js';
import type { Warning } from './types.js';

/** Object codes known to hospital information systems, plus the retired `TL`. */
const OBJECT_CODES = new Set(
  (
    'CC TE CK CB KC HN DT DK XD BT TS DN HT TC CN HX CH NN TK HC XK TB NO CT XB TN CS XN MS HD TQ TA TY HG ' +
    'LS HS SV PV GB GD QN CA CY XV YE TV TL'
  ).split(' '),
);

export interface BhytNumber {
  readonly number: string;
  readonly socialInsuranceNumber: string;
  readonly objectCode: string | null;
  readonly benefitLevel: number | null;
  readonly provinceCode: string | null;
  readonly warnings: readonly Warning[];
}

const NEW_NUMBER = /^\d{10}$/;
const LEGACY_NUMBER = /^([A-Z]{2})([1-7])(\d{2})([0-9A-Z]{10})$/;

/** Null when the value is not a card number of either structure. */
export function parseBhytNumber(raw: string): BhytNumber | null {
  const number = raw.trim().toUpperCase();
  if (NEW_NUMBER.test(number)) {
    return { number, socialInsuranceNumber: number, objectCode: null, benefitLevel: null, provinceCode: null, warnings: [] };
  }
  const m = LEGACY_NUMBER.exec(number);
  if (!m) return null;
  const [, objectCode = '', benefit = '', provinceCode = '', socialInsuranceNumber = ''] = m;
  if (provinceCode === '00') return null;
  const warnings: Warning[] = [];
  if (!OBJECT_CODES.has(objectCode)) warnings.push(warning('W_BHYT_UNKNOWN_OBJECT', 'number'));
  const benefitLevel = Number(benefit);
  if (benefitLevel > 5) warnings.push(warning('W_BHYT_LEGACY_BENEFIT', 'number'));
  // Pre-2018 numbers could carry letters in the BHXH part; those cards have long expired, so this only warns.
  if (!/^\d{10}$/.test(socialInsuranceNumber)) warnings.push(warning('W_BHYT_LEGACY_NUMBER', 'number'));
  return { number, socialInsuranceNumber, objectCode, benefitLevel, provinceCode, warnings };
}

/** Shape only, for routing a payload to the BHYT decoder before it is validated. */
export function looksLikeBhytNumber(raw: string): boolean {
  const s = raw.trim();
  return NEW_NUMBER.test(s) || (s.length === 15 && /^[A-Za-z]{2}/.test(s));
}
