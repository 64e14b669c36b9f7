/**
 * BHYT health-insurance card QR (paper card and VssID):
 * `card|hex name|dob|sex|hex address|facility|validFrom|validTo|issued|manager|hex parent|area|5-year|token[|?|hex issuePlace]|$`.
 * Legacy cards have 14 data fields, 2021+ cards 16; `-` is the empty placeholder and `$` the end tag.
 */
import { parseBhytNumber } from './bhyt-number.js';
import { civilDate, compareDates, parseDayFirst } from './dates.js';
import { checkBirthNotFuture, dayFirstField, textField, toIso } from './fields.js';
import { decodeHexText } from './hex-text.js';
import { reject, warning } from './result.js';
import type { BhytDocument, BhytUndecoded, DecodeContext, DecodeResult, LivingArea, Sex, Warning } from './types.js';

/** Without the `$` end tag a scan is only trusted as complete when it reaches the checksum token (field 13). */
const MIN_FIELDS_UNTERMINATED = 14;
/** With the end tag, everything up to the issue date (field 8) must be there. */
const MIN_FIELDS_TERMINATED = 9;

const LIVING_AREAS: Readonly<Record<string, LivingArea>> = { '5': 'K1', '6': 'K2', '7': 'K3', K1: 'K1', K2: 'K2', K3: 'K3' };

type HexField = keyof BhytUndecoded;

function hexField(raw: string | undefined, field: HexField, warnings: Warning[], undecoded: BhytUndecoded): string | null {
  const value = textField(raw);
  if (value === null) return null;
  const decoded = decodeHexText(value);
  if (decoded.kind === 'undecodable') {
    undecoded[field] = decoded.raw;
    warnings.push(warning(field === 'name' ? 'W_NAME_UNDECODABLE' : 'W_TEXT_UNDECODABLE', field));
    return null;
  }
  if (decoded.repaired && !warnings.some((w) => w.code === 'W_HEX_REPAIRED')) warnings.push(warning('W_HEX_REPAIRED'));
  return decoded.text === '' ? null : decoded.text;
}

function readSex(raw: string | undefined, warnings: Warning[]): Sex | null {
  const v = textField(raw);
  if (v === '1') return 'M';
  if (v === '2') return 'F';
  if (v !== null) warnings.push(warning('W_FIELD_FORMAT', 'sex'));
  return null;
}

/** `01 - 999` and `01 – 999` both mean facility `01999`. */
function readFacility(raw: string | undefined, warnings: Warning[]): string | null {
  const v = textField(raw);
  if (v === null) return null;
  const code = v.replace(/[\s\-–—]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{5}$/.test(code)) warnings.push(warning('W_FIELD_FORMAT', 'facilityCode'));
  return code === '' ? null : code;
}

function readLivingArea(raw: string | undefined, warnings: Warning[]): LivingArea | null {
  const v = textField(raw)?.toUpperCase() ?? null;
  if (v === null || v === '4') return null;
  const area = LIVING_AREAS[v];
  if (area === undefined) warnings.push(warning('W_FIELD_FORMAT', 'livingArea'));
  return area ?? null;
}

/**
 * The end tag: `$` on the card; `#` from one hospital app's own QR; `**##` where a VNPT kiosk relays `$` (it
 * replaces the dollar before forwarding the string). All three mean the same.
 */
export function isBhytEndTag(raw: string | undefined): boolean {
  const t = raw?.trim();
  return t === '$' || t === '#' || t === '**##';
}

export function decodeBhyt(tokens: readonly string[], ctx: DecodeContext): DecodeResult {
  const terminated = tokens.length > 1 && isBhytEndTag(tokens[tokens.length - 1]);
  const fields = terminated ? tokens.slice(0, -1) : tokens;
  if (fields.length < (terminated ? MIN_FIELDS_TERMINATED : MIN_FIELDS_UNTERMINATED)) return reject('E_BHYT_FIELDS');
  const card = parseBhytNumber(fields[0] ?? '');
  if (card === null) return reject('E_BHYT_NUMBER');

  const warnings: Warning[] = [...card.warnings];
  const undecoded: BhytUndecoded = {};
  const today = civilDate(ctx.scannedAt, ctx.utcOffsetMinutes);

  const name = hexField(fields[1], 'name', warnings, undecoded);
  const birthDate = toIso(parseDayFirst(fields[2] ?? ''), 'birthDate', warnings);
  checkBirthNotFuture(birthDate, today, warnings);
  const sex = readSex(fields[3], warnings);
  const address = hexField(fields[4], 'address', warnings, undecoded);
  const facilityCode = readFacility(fields[5], warnings);
  const validFrom = dayFirstField(fields[6], 'validFrom', warnings);
  const validTo = dayFirstField(fields[7], 'validTo', warnings);
  const issuedOn = dayFirstField(fields[8], 'issuedOn', warnings);
  const parentName = hexField(fields[10], 'parentName', warnings, undecoded);
  const livingArea = readLivingArea(fields[11], warnings);
  const issuePlace = hexField(fields[15], 'issuePlace', warnings, undecoded);

  if (today !== null) {
    // A card is valid through the whole of its last day.
    if (validTo !== null && compareDates(validTo, today) < 0) warnings.push(warning('W_CARD_EXPIRED', 'validTo'));
    if (validFrom !== null && compareDates(validFrom, today) > 0) warnings.push(warning('W_CARD_NOT_YET_VALID', 'validFrom'));
  }

  const document: BhytDocument = {
    type: 'bhyt',
    number: card.number,
    name,
    birthDate,
    sex,
    socialInsuranceNumber: card.socialInsuranceNumber,
    objectCode: card.objectCode,
    benefitLevel: card.benefitLevel,
    provinceCode: card.provinceCode,
    address,
    facilityCode,
    validFrom,
    validTo,
    issuedOn,
    parentName,
    livingArea,
    issuePlace,
    undecoded,
  };
  return { ok: true, format: 'bhyt', document, warnings };
}
