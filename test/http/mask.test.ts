import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/http/csv.js';
import { maskName, maskNumber } from '../../src/http/mask.js';

describe('masking for a public screen', () => {
  it.each([
    ['Nguyễn Thị Mẫu', 'Nguyễn T. M.'],
    ['  Trần   văn  thử ', 'Trần V. T.'],
    ['Đặng Ánh', 'Đặng Á.'],
    ['Mẫu', 'M.'],
    ['Nguye\u0302\u0303n Thi\u0323 Ẫu', 'Nguyễn T. Ẫ.'],
    // No precomposed Q-with-dot-below exists: the initial keeps its combining mark.
    ['Lê q\u0323uân', 'Lê Q\u0323.'],
    ['', null],
    [null, null],
  ])('maskName(%j) → %j', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each([
    ['001190012345', '•••• •••• 2345'],
    ['0199900123', '•• •••• 0123'],
    ['GD4010199900456', '••• •••• •••• 0456'],
    ['12345', '• ••••'],
    ['', ''],
  ])('maskNumber(%j) → %j', (number, masked) => {
    expect(maskNumber(number)).toBe(masked);
  });

  it('never shows more than the last four characters', () => {
    for (let len = 1; len <= 20; len += 1) {
      const number = '9'.repeat(len);
      expect(maskNumber(number).replace(/[• ]/g, '').length).toBeLessThanOrEqual(len >= 8 ? 4 : 0);
    }
  });
});

describe('CSV cells', () => {
  it('quotes, doubles quotes and neutralises formulas', () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell('=1+1')).toBe(`"'=1+1"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell(12)).toBe('"12"');
  });
});
