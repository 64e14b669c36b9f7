/** Human-readable text for a decode result, for technicians at a terminal, in English or Vietnamese. */
import { describeCode, type Lang } from '../core/codes.js';
import type { DecodeResult, IdentityDocument } from '../decode/index.js';

const TITLES: Readonly<Record<Lang, Readonly<Record<IdentityDocument['type'], string>>>> = {
  en: {
    cccd: 'citizen-ID card (CCCD / Căn cước)',
    bhyt: 'health-insurance card (BHYT)',
    pccovid: 'personal QR (PC-Covid)',
    'id-number': 'personal ID number',
  },
  vi: {
    cccd: 'thẻ căn cước (CCCD / Căn cước)',
    bhyt: 'thẻ bảo hiểm y tế (BHYT)',
    pccovid: 'mã QR cá nhân (PC-Covid)',
    'id-number': 'số định danh cá nhân',
  },
};

const WORDS: Readonly<Record<Lang, { accepted: string; rejected: string; warnings: string; format: string }>> = {
  en: { accepted: 'accepted', rejected: 'rejected', warnings: 'warnings', format: 'format' },
  vi: { accepted: 'hợp lệ', rejected: 'bị từ chối', warnings: 'cảnh báo', format: 'định dạng' },
};

/** The document's keys in Vietnamese; in English the key itself is the label (it is what --json and MQTT carry). */
const LABELS_VI: Readonly<Record<string, string>> = {
  number: 'Số giấy tờ',
  oldNumber: 'Số CMND cũ',
  name: 'Họ tên',
  birthDate: 'Ngày sinh',
  sex: 'Giới tính',
  address: 'Địa chỉ',
  issuedOn: 'Ngày cấp',
  extra: 'Trường thêm',
  socialInsuranceNumber: 'Mã số BHXH',
  objectCode: 'Mã đối tượng',
  benefitLevel: 'Mức hưởng',
  provinceCode: 'Mã tỉnh',
  facilityCode: 'Nơi ĐKKCB ban đầu',
  validFrom: 'Hiệu lực từ',
  validTo: 'Hiệu lực đến',
  parentName: 'Cha, mẹ hoặc người giám hộ',
  livingArea: 'Khu vực sống',
  issuePlace: 'Nơi cấp',
  undecoded: 'Chưa giải mã được',
  numberMasked: 'Số bị che',
  declaredOnBehalf: 'Khai hộ',
  qid: 'Mã QID',
  manual: 'Nhập tay',
};

function show(value: unknown, lang: Lang, key: string): string {
  if (value === null || value === undefined) return '—';
  if (key === 'sex' && lang === 'vi') return value === 'M' ? 'Nam (M)' : 'Nữ (F)';
  if (typeof value === 'boolean' && lang === 'vi') return value ? 'có' : 'không';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && Object.keys(value).length === 0) return '—';
  return JSON.stringify(value);
}

export function renderResult(result: DecodeResult, lang: Lang): string {
  const w = WORDS[lang];
  if (!result.ok) return `${w.rejected}  ${result.code}\n  ${describeCode(result.code, lang)}\n`;
  const doc = result.document;
  const lines = [`${w.accepted}  ${TITLES[lang][doc.type]}  [${w.format} ${result.format}]`];
  const entries = Object.entries(doc)
    .filter(([key]) => key !== 'type')
    .map(([key, value]): [string, string] => [lang === 'vi' ? (LABELS_VI[key] ?? key) : key, show(value, lang, key)]);
  const width = Math.max(...entries.map(([label]) => label.length));
  for (const [label, value] of entries) lines.push(`  ${label.padEnd(width)}  ${value}`);
  if (result.warnings.length > 0) {
    lines.push(w.warnings);
    for (const warning of result.warnings) {
      const field = warning.field === undefined ? '' : ` (${lang === 'vi' ? (LABELS_VI[warning.field] ?? warning.field) : warning.field})`;
      lines.push(`  ${warning.code}${field}  ${describeCode(warning.code, lang)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
