/** Human-readable text for a decode result, for technicians at a terminal. */
import { describeCode, type Lang } from '../core/codes.js';
import type { DecodeResult, IdentityDocument } from '../decode/index.js';

const TITLES: Readonly<Record<IdentityDocument['type'], string>> = {
  cccd: 'citizen-ID card (CCCD / Căn cước)',
  bhyt: 'health-insurance card (BHYT)',
  pccovid: 'personal QR (PC-Covid)',
  'id-number': 'personal ID number',
};

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && Object.keys(value).length === 0) return '—';
  return JSON.stringify(value);
}

export function renderResult(result: DecodeResult, lang: Lang): string {
  if (!result.ok) return `rejected  ${result.code}\n  ${describeCode(result.code, lang)}\n`;
  const doc = result.document;
  const lines = [`accepted  ${TITLES[doc.type]}  [format ${result.format}]`];
  const entries = Object.entries(doc).filter(([key]) => key !== 'type');
  const width = Math.max(...entries.map(([key]) => key.length));
  for (const [key, value] of entries) lines.push(`  ${key.padEnd(width)}  ${show(value)}`);
  if (result.warnings.length > 0) {
    lines.push('warnings');
    for (const w of result.warnings) {
      lines.push(`  ${w.code}${w.field === undefined ? '' : ` (${w.field})`}  ${describeCode(w.code, lang)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
