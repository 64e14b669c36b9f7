import { DECODE_ERRORS, DECODE_WARNINGS, type DecodeErrorCode, type DecodeWarningCode } from '../core/codes.js';
import type { DecodeFailure, FieldName, Warning } from './types.js';

export function reject(code: DecodeErrorCode): DecodeFailure {
  return { ok: false, code, message: DECODE_ERRORS[code].en };
}

export function warning(code: DecodeWarningCode, field?: FieldName): Warning {
  const base = { code, message: DECODE_WARNINGS[code].en };
  return field === undefined ? base : { ...base, field };
}
