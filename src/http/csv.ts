/**
 * RFC 4180 CSV that spreadsheet programs open safely: every cell quoted, a UTF-8 byte-order mark so Excel reads the
 * Vietnamese letters, and a cell that starts like a formula (= + - @, tab, CR) prefixed with an apostrophe, since a
 * name on a card is attacker-controlled text (CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvDocument(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>): string {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
