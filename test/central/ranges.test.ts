/** Seq range arithmetic of the gap watcher: subtracting, counting, and joining ranges for one resend. */
import { describe, expect, it } from 'vitest';
import { coalesce } from '../../src/central/gaps.js';
import { countSeqs, subtract } from '../../src/central/ranges.js';

describe('seq ranges', () => {
  it.each([
    [
      [{ from: 1, to: 10 }],
      [{ from: 3, to: 4 }],
      [
        { from: 1, to: 2 },
        { from: 5, to: 10 },
      ],
    ],
    [[{ from: 1, to: 10 }], [{ from: 0, to: 20 }], []],
    [
      [
        { from: 5, to: 6 },
        { from: 1, to: 2 },
      ],
      [],
      [
        { from: 1, to: 2 },
        { from: 5, to: 6 },
      ],
    ],
    [
      [{ from: 1, to: 3 }],
      [
        { from: 3, to: 3 },
        { from: 1, to: 1 },
      ],
      [{ from: 2, to: 2 }],
    ],
  ])('subtracts %j minus %j', (a, b, want) => {
    expect(subtract(a, b)).toEqual(want);
  });

  it('counts seqs in inclusive ranges', () => {
    expect(
      countSeqs([
        { from: 1, to: 1 },
        { from: 5, to: 9 },
      ]),
    ).toBe(6);
  });

  it('joins ranges at most `gap` seqs apart, and keeps farther ones apart', () => {
    const everyOther = Array.from({ length: 5 }, (_, i) => ({ from: 2 * i + 2, to: 2 * i + 2 }));
    expect(coalesce(everyOther, 64)).toEqual([{ from: 2, to: 10 }]);
    expect(
      coalesce(
        [
          { from: 1, to: 2 },
          { from: 100, to: 101 },
        ],
        64,
      ),
    ).toEqual([
      { from: 1, to: 2 },
      { from: 100, to: 101 },
    ]);
    expect(
      coalesce(
        [
          { from: 1, to: 2 },
          { from: 67, to: 70 },
        ],
        64,
      ),
    ).toEqual([{ from: 1, to: 70 }]);
    expect(coalesce([], 64)).toEqual([]);
  });
});
