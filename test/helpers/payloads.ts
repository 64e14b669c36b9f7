/**
 * Synthetic payloads (invented names and numbers) for the decoder tests, built from parts so that each case
 * says what it changes. Hex fields are computed from the text, as a BHYT card does.
 */
export const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

export const NAME_F = 'Nguyễn Thị Mẫu';
export const NAME_M = 'Trần Văn Thử';
export const ADDRESS = 'Số 1 Đường Thử Nghiệm, Phường Mẫu, Quận Ví Dụ, Thành phố Hà Nội';
export const ISSUE_PLACE = 'Quận Ví Dụ, Thành phố Hà Nội';

export interface CccdParts {
  number: string;
  oldNumber: string;
  name: string;
  birth: string;
  sex: string;
  address: string;
  issued: string;
}

export const CCCD_BASE: CccdParts = {
  number: '001190012345',
  oldNumber: '012345678',
  name: NAME_F,
  birth: '15031990',
  sex: 'Nữ',
  address: ADDRESS,
  issued: '20042021',
};

export function cccd(over: Partial<CccdParts> = {}, trailing: readonly string[] = []): string {
  const p = { ...CCCD_BASE, ...over };
  return [p.number, p.oldNumber, p.name, p.birth, p.sex, p.address, p.issued, ...trailing].join('|');
}

/** 2021+ template: 16 data fields and `$`; the 10-digit number, no address, issue place in field 15. */
export function bhytNew(over: Partial<Record<number, string>> = {}): string {
  const fields = [
    '0199900123', hex(NAME_F), '15/03/1990', '2', '-', '01 - 999', '01/01/2025', '-', '01/01/2025',
    '01050199900123', '-', '4', ' 01/01/2030', '0000000000000000-0000', '4', hex(ISSUE_PLACE), '$',
  ];
  for (const [i, v] of Object.entries(over)) if (v !== undefined) fields[Number(i)] = v;
  return fields.join('|');
}

/** Legacy template: 14 data fields and `$`; a 15-character number, hex address in field 4. */
export function bhytLegacy(over: Partial<Record<number, string>> = {}): string {
  const fields = [
    'GD4010199900456', hex(NAME_M), '01/01/1995', '1', hex(ADDRESS), '01 - 999', '01/01/2020', '31/12/2027',
    '01/01/2020', '01050199900456', '-', '5', '01/01/2025', '0000000000000000-0000', '$',
  ];
  for (const [i, v] of Object.entries(over)) if (v !== undefined) fields[Number(i)] = v;
  return fields.join('|');
}

export const SCAN_TIME = new Date('2026-11-22T09:30:00+07:00');
