/**
 * What a public screen may show of a person: the family name and initials, and the last four characters of a
 * number. Enough for the receptionist to tell two visitors apart and for the visitor to recognise their own card;
 * not enough for a passer-by to copy an identity.
 */
const BULLET = '•';
const VISIBLE_TAIL = 4;
/** Below this length, four visible characters would be most of the number: show none. */
const MIN_LENGTH_FOR_TAIL = 8;

// A letter and the combining marks after it. Names arrive NFC-normalized, so Vietnamese letters are single code
// points and this equals the grapheme; Intl.Segmenter would load ~2 MB of ICU break data into a kiosk's memory.
const FIRST_GRAPHEME = /^\P{M}\p{M}*/u;

function firstGrapheme(word: string): string {
  return FIRST_GRAPHEME.exec(word)?.[0] ?? '';
}

// Casing is the root mapping: Vietnamese has no locale-specific rules (SpecialCasing covers only lt, tr and az), and
// a 'vi' locale would only load its ICU data.
/** `Nguyễn Thị Mẫu` → `Nguyễn T. M.`; a single word keeps only its initial (`Mẫu` → `M.`). */
export function maskName(name: string | null | undefined): string | null {
  const words = (name ?? '')
    .normalize('NFC')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const [family, ...rest] = words;
  if (family === undefined) return null;
  if (rest.length === 0) return `${firstGrapheme(family).toUpperCase()}.`;
  return [family, ...rest.map((w) => `${firstGrapheme(w).toUpperCase()}.`)].join(' ');
}

/**
 * `001190012345` → `•••• •••• 2345`, grouped in fours from the right so the visible tail is always one group;
 * `0199900123` → `•• •••• 0123`. A short number is hidden entirely.
 */
export function maskNumber(number: string | null | undefined): string {
  const chars = [...(number ?? '').replace(/\s+/g, '')];
  if (chars.length === 0) return '';
  const tail = chars.length >= MIN_LENGTH_FOR_TAIL ? VISIBLE_TAIL : 0;
  const shown = chars.map((c, i) => (i < chars.length - tail ? BULLET : c));
  const groups: string[] = [];
  for (let end = shown.length; end > 0; end -= 4) groups.unshift(shown.slice(Math.max(0, end - 4), end).join(''));
  return groups.join(' ');
}
