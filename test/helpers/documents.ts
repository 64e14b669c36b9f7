import type { BhytDocument, CccdDocument, IdentityDocument } from '../../src/decode/index.js';
import type { CheckinInput } from '../../src/store/types.js';

export function cccdDoc(number = '001190012345', name = 'Nguyễn Thị Mẫu'): CccdDocument {
  return {
    type: 'cccd',
    number,
    name,
    birthDate: '1990-03-15',
    sex: 'F',
    oldNumber: null,
    address: 'Số 1 Đường Thử Nghiệm, Hà Nội',
    issuedOn: '2021-04-20',
    extra: [],
  };
}

export function bhytDoc(number = '0199900123'): BhytDocument {
  return {
    type: 'bhyt',
    number,
    name: 'Trần Văn Thử',
    birthDate: '1995-01-01',
    sex: 'M',
    socialInsuranceNumber: number,
    objectCode: null,
    benefitLevel: null,
    provinceCode: null,
    address: null,
    facilityCode: '01999',
    validFrom: null,
    validTo: null,
    issuedOn: null,
    parentName: null,
    livingArea: null,
    issuePlace: null,
    undecoded: {},
  };
}

export function checkinInput(document: IdentityDocument = cccdDoc(), over: Partial<CheckinInput> = {}): CheckinInput {
  return {
    scanner: 'gate',
    direction: 'in',
    auto: false,
    manual: false,
    scannedAt: new Date('2026-11-22T09:30:00+07:00'),
    clockSynced: true,
    document,
    warnings: [],
    ...over,
  };
}
