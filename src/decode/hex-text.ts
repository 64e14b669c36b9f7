/**
 * BHYT QRs carry names and addresses as hex of UTF-8 bytes, so that a US-layout keyboard-wedge scanner can type
 * them. A Vietnamese IME in Telex mode then rewrites letter pairs in the hex ("aa" → "â", "dd" → "đ", "af" → "à"),
 * which is why a strict decode comes first and a Telex reversal second, and why an undecodable value is kept raw
 * instead of guessed.
 */

export type HexText =
  { readonly kind: 'text'; readonly text: string; readonly repaired: boolean } | { readonly kind: 'undecodable'; readonly raw: string };

const HEX_PAIRS = /^(?:[0-9a-f]{2})+$/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what a decoded name must not hold
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function strictHexUtf8(hex: string): string | null {
  if (!HEX_PAIRS.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return null;
  }
  return CONTROL.test(text) ? null : text.trim().replace(/\s+/g, ' ').normalize('NFC');
}

/** Telex keystrokes for every Vietnamese letter: vowel shape keys (aa, aw, ee, oo, ow, uw) then the tone key. */
function buildTelexReversal(): ReadonlyMap<string, string> {
  const shapes: ReadonlyArray<readonly [string, string]> = [
    ['a', 'a'],
    ['ă', 'aw'],
    ['â', 'aa'],
    ['e', 'e'],
    ['ê', 'ee'],
    ['i', 'i'],
    ['o', 'o'],
    ['ô', 'oo'],
    ['ơ', 'ow'],
    ['u', 'u'],
    ['ư', 'uw'],
    ['y', 'y'],
  ];
  const tones: ReadonlyArray<readonly [string, string]> = [
    ['', ''],
    ['\u0301', 's'],
    ['\u0300', 'f'],
    ['\u0309', 'r'],
    ['\u0303', 'x'],
    ['\u0323', 'j'],
  ];
  const map = new Map<string, string>([
    ['đ', 'dd'],
    ['Đ', 'DD'],
  ]);
  for (const [letter, shapeKeys] of shapes) {
    for (const [mark, toneKey] of tones) {
      if (shapeKeys.length === 1 && toneKey === '') continue;
      const lower = (letter + mark).normalize('NFC');
      if (lower.length !== 1) continue;
      map.set(lower, shapeKeys + toneKey);
      map.set(lower.toUpperCase(), (shapeKeys + toneKey).toUpperCase());
    }
  }
  return map;
}

const TELEX_REVERSAL = buildTelexReversal();

export function reverseTelex(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) out += TELEX_REVERSAL.get(ch) ?? ch;
  return out;
}

/** Decodes one hex text field; the caller has already mapped empty and `-` to absent. */
export function decodeHexText(raw: string): HexText {
  const value = raw.trim();
  const direct = strictHexUtf8(value);
  if (direct !== null) return { kind: 'text', text: direct, repaired: false };
  const reversed = reverseTelex(value);
  if (reversed !== value) {
    const repaired = strictHexUtf8(reversed);
    if (repaired !== null) return { kind: 'text', text: repaired, repaired: true };
  }
  return { kind: 'undecodable', raw: value };
}
