/**
 * The decoder's public contract. Central systems (over MQTT) and the status page rely on these names:
 * a change here is a versioned change documented in docs/formats.md.
 */
import type { DecodeErrorCode, DecodeWarningCode } from '../core/codes.js';

export type Sex = 'M' | 'F';

/** Names of document fields a warning can point at. */
export type FieldName =
  | 'number'
  | 'oldNumber'
  | 'name'
  | 'birthDate'
  | 'sex'
  | 'address'
  | 'issuedOn'
  | 'facilityCode'
  | 'validFrom'
  | 'validTo'
  | 'parentName'
  | 'livingArea'
  | 'issuePlace'
  | 'qid';

export interface Warning {
  readonly code: DecodeWarningCode;
  readonly message: string;
  /** The field the warning is about, when it is about one field. */
  readonly field?: FieldName;
}

interface DocumentCommon {
  /** The document number: CCCD number, BHYT card number, or the (possibly masked) number of a PC-Covid QR. */
  readonly number: string;
  /** NFC text, or null when absent or undecodable. */
  readonly name: string | null;
  /** `YYYY-MM-DD`, or `YYYY` when only the year is known, or null. */
  readonly birthDate: string | null;
  readonly sex: Sex | null;
}

export interface CccdDocument extends DocumentCommon {
  readonly type: 'cccd';
  readonly oldNumber: string | null;
  readonly address: string | null;
  readonly issuedOn: string | null;
  /** Fields after the seventh, kept raw (2024 Căn cước cards add empty trailing fields). */
  readonly extra: readonly string[];
}

export type LivingArea = 'K1' | 'K2' | 'K3';

/** Hex text fields of a BHYT card that could not be decoded, kept raw so nothing is silently lost. */
export type BhytUndecoded = Partial<Record<'name' | 'address' | 'parentName' | 'issuePlace', string>>;

export interface BhytDocument extends DocumentCommon {
  readonly type: 'bhyt';
  /** The 10-character mã số BHXH (the whole number on 2021+ cards, the last 10 characters on legacy cards). */
  readonly socialInsuranceNumber: string;
  /** Beneficiary object code (legacy 15-character numbers only). */
  readonly objectCode: string | null;
  /** Benefit level 1–7 (legacy 15-character numbers only). */
  readonly benefitLevel: number | null;
  /** Two-digit province code (legacy 15-character numbers only). */
  readonly provinceCode: string | null;
  readonly address: string | null;
  /** Primary-care facility code, five characters (`01 - 999` → `01999`). */
  readonly facilityCode: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
  readonly issuedOn: string | null;
  readonly parentName: string | null;
  readonly livingArea: LivingArea | null;
  readonly issuePlace: string | null;
  readonly undecoded: BhytUndecoded;
}

export interface PcCovidDocument extends DocumentCommon {
  readonly type: 'pccovid';
  /** The app masks the first characters of the number with `*` by default. */
  readonly numberMasked: boolean;
  /** "Khai hộ": declared by someone else on this person's behalf. */
  readonly declaredOnBehalf: boolean;
  /** The national QR platform's id for this declaration. */
  readonly qid: string | null;
}

export interface IdNumberDocument extends DocumentCommon {
  readonly type: 'id-number';
  /** True when a receptionist typed it in (set by the check-in pipeline, never by the decoder). */
  readonly manual?: boolean;
}

export type IdentityDocument = CccdDocument | BhytDocument | PcCovidDocument | IdNumberDocument;
export type DocumentType = IdentityDocument['type'];

/** Which payload layout matched; `cccd-6` is the six-field variant with `dd/mm/yyyy` dates. */
export type Format = 'cccd' | 'cccd-6' | 'bhyt' | 'pccovid' | 'id-number';

export interface DecodeSuccess {
  readonly ok: true;
  readonly format: Format;
  readonly document: IdentityDocument;
  readonly warnings: readonly Warning[];
}

export interface DecodeFailure {
  readonly ok: false;
  readonly code: DecodeErrorCode;
  /** English, technician-readable, free of payload data. `describeCode` gives the Vietnamese text. */
  readonly message: string;
}

export type DecodeResult = DecodeSuccess | DecodeFailure;

export interface DecodeContext {
  /** When the scan happened; expiry and "in the future" checks are made against it. */
  readonly scannedAt: Date;
  /** Offset of the gate's civil time from UTC, in minutes (Vietnam: +420, no daylight saving). */
  readonly utcOffsetMinutes: number;
}
