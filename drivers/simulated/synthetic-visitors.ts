/**
 * Synthetic visitors for the demo and benchmarks: CCCD and BHYT QR payloads with the real field layouts, built
 * from invented names and fake numbers, plus a chosen share of damaged scans (truncated, diacritics lost, not an
 * identity at all). Seeded, so a benchmark run can be repeated byte for byte. Never real people.
 * Card dates (birth, issue, validity) are relative to the clock's year, so the demo's cards are valid in any year.
 */
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
const MIDDLE_F = ['Thị', 'Thu', 'Ngọc', 'Minh'];
const MIDDLE_M = ['Văn', 'Đức', 'Minh', 'Quốc'];
const GIVEN = ['Mẫu', 'Thử', 'Ví Dụ', 'Giả Định', 'Thí Điểm', 'Nháp', 'Mô Phỏng', 'Tạm'];
const STREETS = ['Đường Thử Nghiệm', 'Đường Giả Định', 'Phố Mẫu', 'Ngõ Ví Dụ'];
const PROVINCES: ReadonlyArray<readonly [string, string]> = [
  ['001', 'Thành phố Hà Nội'],
  ['048', 'Thành phố Đà Nẵng'],
  ['079', 'Thành phố Hồ Chí Minh'],
  ['031', 'Thành phố Hải Phòng'],
];

/** mulberry32: tiny, fast, and good enough to pick names. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type SyntheticKind = 'cccd' | 'bhyt' | 'bad-truncated' | 'bad-ascii' | 'bad-unrecognized';

export interface SyntheticScan {
  readonly kind: SyntheticKind;
  readonly payload: string;
}

/** Chip CCCD cards were first issued in 2021: an earlier issue date is a warning. */
const CHIP_FIRST_YEAR = 2021;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

export class SyntheticVisitors {
  readonly #rand: () => number;

  constructor(
    seed: number,
    private readonly badScanRatio: number,
    /** The time the cards are made at: issued in the last three years, valid for two to four more. */
    private readonly now: () => Date,
  ) {
    this.#rand = seededRandom(seed);
  }

  next(): SyntheticScan {
    if (this.#rand() < this.badScanRatio) return this.#bad();
    return this.#rand() < 0.6 ? { kind: 'cccd', payload: this.cccd() } : { kind: 'bhyt', payload: this.bhyt() };
  }

  cccd(): string {
    const female = this.#rand() < 0.5;
    const year = this.#birthYear();
    const [code, city] = this.#pick(PROVINCES);
    const centuryDigit = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);
    const id = `${code}${centuryDigit}${pad(year % 100, 2)}${pad(this.#int(1_000_000), 6)}`;
    const oldId = this.#rand() < 0.5 ? pad(this.#int(1_000_000_000), 9) : '';
    const birth = `${pad(1 + this.#int(28), 2)}${pad(1 + this.#int(12), 2)}${year}`;
    const issued = `${pad(1 + this.#int(28), 2)}${pad(1 + this.#int(12), 2)}${Math.max(CHIP_FIRST_YEAR, this.#thisYear() - 1 - this.#int(3))}`;
    const address = `Số ${1 + this.#int(200)} ${this.#pick(STREETS)}, Phường Mẫu, ${city}`;
    return [id, oldId, this.#name(female), birth, female ? 'Nữ' : 'Nam', address, issued].join('|');
  }

  bhyt(): string {
    const female = this.#rand() < 0.5;
    const province = pad(1 + this.#int(96), 2);
    const number = `${province}${pad(this.#int(100_000_000), 8)}`;
    const year = this.#birthYear();
    const birth = `${pad(1 + this.#int(28), 2)}/${pad(1 + this.#int(12), 2)}/${year}`;
    const issued = `01/01/${this.#thisYear() - 1 - this.#int(3)}`;
    return [
      number,
      hex(this.#name(female)),
      birth,
      female ? '2' : '1',
      '-',
      `${province} - ${pad(this.#int(1000), 3)}`,
      issued,
      '-',
      issued,
      `${pad(this.#int(10_000), 4)}${number}`,
      '-',
      '4',
      ` 01/01/${this.#thisYear() + 2 + this.#int(3)}`,
      '0000000000000000-0000',
      '4',
      hex(`Quận Ví Dụ, ${this.#pick(PROVINCES)[1]}`),
      '$',
    ].join('|');
  }

  #bad(): SyntheticScan {
    const r = this.#rand();
    if (r < 0.4) {
      const full = this.cccd();
      return { kind: 'bad-truncated', payload: full.slice(0, full.indexOf('|', 14) + 1 + this.#int(6)) };
    }
    if (r < 0.7) {
      const ascii = this.cccd()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'));
      return { kind: 'bad-ascii', payload: ascii };
    }
    return { kind: 'bad-unrecognized', payload: `SYNTHETIC-${pad(this.#int(1_000_000), 6)}-NOT-AN-ID` };
  }

  #thisYear(): number {
    return this.now().getUTCFullYear();
  }

  /** Adults of 20 to 75. */
  #birthYear(): number {
    return this.#thisYear() - 75 + this.#int(55);
  }

  #name(female: boolean): string {
    return `${this.#pick(FAMILY)} ${this.#pick(female ? MIDDLE_F : MIDDLE_M)} ${this.#pick(GIVEN)}`;
  }

  #int(below: number): number {
    return Math.floor(this.#rand() * below);
  }

  #pick<T>(list: readonly T[]): T {
    return list[this.#int(list.length)]!;
  }
}
