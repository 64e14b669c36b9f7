import { describe, expect, it } from 'vitest';
import { splitAim } from '../../drivers/aim.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('AIM symbology ids in front of the data', () => {
  it.each([
    [']Q1001190012345|x', ']Q1', '001190012345|x'],
    [']Q3GD4010199900456|x', ']Q3', 'GD4010199900456|x'],
    [']d2abc', ']d2', 'abc'],
    [']C0', ']C0', ''],
    [']QA12', ']QA', '12'],
  ])('splits %j into %j and %j', (input, aim, rest) => {
    const r = splitAim(Buffer.from(input));
    expect(r.aim).toBe(aim);
    expect(text(r.bytes)).toBe(rest);
  });

  it.each([['001190012345|x'], [']'], [']Q'], [']11abc'], [']Q-abc'], ['Q]1abc'], ['']])('leaves %j as it is', (input) => {
    const bytes = Buffer.from(input);
    const r = splitAim(bytes);
    expect(r.aim).toBeNull();
    expect(r.bytes).toBe(bytes);
  });
});
