/**
 * CCCD / Căn cước card QR (also the VNeID identity QR, which reportedly shares the layout):
 * `number|oldNumber|name|ddmmyyyy|Nam/Nữ|address|ddmmyyyy[|extra…]`, and the six-field variant
 * `number|name|dd/mm/yyyy|sex|address|dd/mm/yyyy` (or with `ddmmyyyy` dates) re-emitted by some apps.
 */
import { civilDate, compareDates, isSlashDate } from './dates.js';
import { checkBirthNotFuture, dayFirstField, textField, yearOf } from './fields.js';
import { crossCheckPersonalId, PERSONAL_ID } from './personal-id.js';
import { reject, warning } from './result.js';
import type { CccdDocument, DecodeContext, DecodeResult, Sex, Warning } from './types.js';

/** Chip cards, the first with this QR, were issued from this day (Thông tư 06/2021/TT-BCA). */
const FIRST_CHIP_ISSUE = '2021-01-23';

type SexReading = { readonly sex: Sex | null; readonly diacriticsLost: boolean; readonly valid: boolean };

/**
 * `Nam`/`Nữ`, case-insensitive. A scanner in ASCII mode strips `Nữ` to `Nu`, or drops the letter to `N`; `Nam` is
 * pure ASCII and survives, so both reduced forms can only mean `Nữ`.
 */
export function readSexWord(raw: string): SexReading {
  switch (raw.trim().toLowerCase()) {
    case 'nam':
      return { sex: 'M', diacriticsLost: false, valid: true };
    case 'nữ':
      return { sex: 'F', diacriticsLost: false, valid: true };
    case 'nu':
    case 'n':
      return { sex: 'F', diacriticsLost: true, valid: true };
    default:
      return { sex: null, diacriticsLost: false, valid: false };
  }
}

export function isSexWord(raw: string | undefined): boolean {
  return raw !== undefined && readSexWord(raw).valid;
}

const ASCII_ONLY = /^[\x20-\x7e]*$/;
const REPLACEMENT = /[?\uFFFD]/;
const VOWEL = /[aeiouy]/i;

/**
 * Signs that a keyboard-wedge scanner in ASCII mode damaged the text: a `?` or U+FFFD where a letter was, a word
 * with no vowel left (every Vietnamese syllable has one: "Nguyễn Thị" → "Nguyn Th"), or a name and address that are
 * both plain ASCII (a real address always carries diacritics: Phường, Quận, Thành phố…).
 */
export function diacriticsLost(name: string | null, address: string | null): boolean {
  const texts = [name, address].filter((t): t is string => t !== null);
  if (texts.some((t) => REPLACEMENT.test(t))) return true;
  if (name !== null && name.split(' ').some((w) => /[a-z]/i.test(w) && !VOWEL.test(w) && ASCII_ONLY.test(w))) {
    return true;
  }
  return name !== null && address !== null && ASCII_ONLY.test(name) && ASCII_ONLY.test(address) && /[a-z]/i.test(address);
}

interface Layout {
  readonly oldNumber: string | undefined;
  readonly name: string | undefined;
  readonly birth: string | undefined;
  readonly sex: string | undefined;
  readonly address: string | undefined;
  readonly issued: string | undefined;
  readonly extra: readonly string[];
}

function layoutOf(fields: readonly string[], sixField: boolean): Layout {
  return sixField
    ? { oldNumber: undefined, name: fields[1], birth: fields[2], sex: fields[3], address: fields[4], issued: fields[5], extra: [] }
    : {
        oldNumber: fields[1],
        name: fields[2],
        birth: fields[3],
        sex: fields[4],
        address: fields[5],
        issued: fields[6],
        extra: fields.slice(7),
      };
}

const COMPACT_DATE = /^\d{8}$/;

function isCccdDate(raw: string | undefined): boolean {
  return raw !== undefined && (COMPACT_DATE.test(raw.trim()) || isSlashDate(raw));
}

/** Six fields `number|name|date|sex|address|date`, the dates slashed or compact (`ddmmyyyy`). */
export function isSixFieldLayout(fields: readonly string[]): boolean {
  return fields.length === 6 && isCccdDate(fields[2]) && isSexWord(fields[3]);
}

/**
 * A name never holds a digit: a date or a number where the name belongs means the columns are shifted (an app that
 * re-emits the card's fields in its own order), so every other field is misread too, and storing the date as the
 * name would be worse than refusing. Six fields with a date right after the number are the same mistake.
 */
function columnsShifted(fields: readonly string[], sixField: boolean): boolean {
  if (fields.length === 6 && !sixField) return isCccdDate(fields[1]);
  const name = sixField ? fields[1] : fields[2];
  return /\d/.test(name ?? '');
}

export function decodeCccd(fields: readonly string[], ctx: DecodeContext): DecodeResult {
  const sixField = isSixFieldLayout(fields);
  if (fields.length >= 6 && columnsShifted(fields, sixField)) return reject('E_CCCD_LAYOUT');
  // Six fields in the card's own order means the issue date is missing: a scan cut short, not a variant.
  if (fields.length < 7 && !sixField) return reject('E_CCCD_FIELDS');
  const number = (fields[0] ?? '').trim();
  if (!PERSONAL_ID.test(number)) return reject('E_CCCD_NUMBER');

  const warnings: Warning[] = [];
  if (sixField) warnings.push(warning('W_CCCD_6_FIELDS'));
  const f = layoutOf(fields, sixField);

  const oldNumber = textField(f.oldNumber);
  if (oldNumber !== null && !/^\d{9,12}$/.test(oldNumber)) warnings.push(warning('W_FIELD_FORMAT', 'oldNumber'));
  const name = textField(f.name);
  if (name === null) warnings.push(warning('W_FIELD_FORMAT', 'name'));
  const address = textField(f.address);

  const sexReading = readSexWord(f.sex ?? '');
  if (!sexReading.valid) warnings.push(warning('W_FIELD_FORMAT', 'sex'));

  const today = civilDate(ctx.scannedAt, ctx.utcOffsetMinutes);
  const birthDate = dayFirstField(f.birth, 'birthDate', warnings);
  checkBirthNotFuture(birthDate, today, warnings);
  const issuedOn = dayFirstField(f.issued, 'issuedOn', warnings);
  if (issuedOn !== null) {
    if (birthDate !== null && compareDates(issuedOn, birthDate) < 0) warnings.push(warning('W_ISSUED_BEFORE_BIRTH', 'issuedOn'));
    if (today !== null && compareDates(issuedOn, today) > 0) warnings.push(warning('W_ISSUED_IN_FUTURE', 'issuedOn'));
    if (compareDates(issuedOn, FIRST_CHIP_ISSUE) < 0) warnings.push(warning('W_ISSUED_BEFORE_CHIP', 'issuedOn'));
  }

  warnings.push(...crossCheckPersonalId(number, { birthYear: yearOf(birthDate), sex: sexReading.sex }));
  if (sexReading.diacriticsLost || diacriticsLost(name, address)) warnings.push(warning('W_DIACRITICS_LOST'));

  const document: CccdDocument = {
    type: 'cccd',
    number,
    name,
    birthDate,
    sex: sexReading.sex,
    oldNumber,
    address,
    issuedOn,
    extra: f.extra,
  };
  return { ok: true, format: sixField ? 'cccd-6' : 'cccd', document, warnings };
}
