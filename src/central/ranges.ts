/** Inclusive seq ranges: subtracting what is known lost, and counting. */
import type { SeqRange } from './store-types.js';

/** `ranges` minus `minus` (both sorted or not), as sorted, non-overlapping ranges. */
export function subtract(ranges: readonly SeqRange[], minus: readonly SeqRange[]): SeqRange[] {
  const cut = [...minus].sort((a, b) => a.from - b.from);
  const out: SeqRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.from - b.from)) {
    let from = r.from;
    for (const m of cut) {
      if (m.to < from || m.from > r.to) continue;
      if (m.from > from) out.push({ from, to: m.from - 1 });
      from = Math.max(from, m.to + 1);
      if (from > r.to) break;
    }
    if (from <= r.to) out.push({ from, to: r.to });
  }
  return out;
}

export const countSeqs = (ranges: readonly SeqRange[]): number => ranges.reduce((n, r) => n + r.to - r.from + 1, 0);
