import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DECODE_ERRORS, DECODE_WARNINGS, describeCode, knownCodes } from '../../src/core/codes.js';

const docs = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');

describe('the code catalog', () => {
  it.each(knownCodes())('%s has a Vietnamese and an English text', (code) => {
    expect(describeCode(code, 'vi')).not.toBe(code);
    expect(describeCode(code, 'en')).not.toBe(code);
    expect(describeCode(code, 'vi')).not.toBe(describeCode(code, 'en'));
  });

  it('documents every decoder code in docs/formats.md, and no code that does not exist', () => {
    const documented = new Set(docs.match(/\b[EW]_[A-Z0-9_]+\b/g));
    const known = [...Object.keys(DECODE_ERRORS), ...Object.keys(DECODE_WARNINGS)];
    expect(known.filter((c) => !documented.has(c))).toEqual([]);
    expect([...documented].filter((c) => !known.includes(c))).toEqual([]);
  });

  it('falls back to the code itself for an unknown code, so a screen never goes blank', () => {
    expect(describeCode('E_SOMETHING_NEW', 'vi')).toBe('E_SOMETHING_NEW');
  });
});
