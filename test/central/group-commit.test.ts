/**
 * The group commit with an insert the test holds open: one commit in flight at a time, what arrives meanwhile is the
 * next batch, each waiter hears only after its own batch committed, a failed batch fails only its own waiters, and a
 * batch of maxBatch rows does not wait for the window.
 */
import { describe, expect, it } from 'vitest';
import { GroupCommit, type CommitOutcome } from '../../src/central/group-commit.js';
import type { CheckinRow } from '../../src/central/store-types.js';
import type { Clock, Timer } from '../../src/core/clock.js';
import { testClock } from '../helpers/clock.js';

const row = (seq: number): CheckinRow => ({
  id: `id-${seq}`,
  site: 'hq',
  device: 'k',
  seq,
  direction: 'in',
  docType: 'cccd',
  scannedAt: '',
  scannedMs: 0,
  clockSynced: true,
  receivedMs: 0,
  numberMac: Buffer.alloc(0),
  personMac: Buffer.alloc(0),
  sealed: Buffer.alloc(0),
});

function heldInsert() {
  const calls: Array<{ seqs: number[]; resolve: (r: boolean[]) => void; reject: (e: Error) => void }> = [];
  const insert = (rows: readonly CheckinRow[]): Promise<boolean[]> =>
    new Promise((resolve, reject) => calls.push({ seqs: rows.map((r) => r.seq), resolve, reject }));
  return { calls, insert };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('commits what arrived during a commit as the next batch, right after it, and tells each waiter its outcome only then', async () => {
    const { calls, insert } = heldInsert();
    const g = new GroupCommit({ insert, clock: testClock(), windowMs: 0, maxBatch: 2000 });
    const heard: Array<[number, CommitOutcome]> = [];
    const add = (seq: number): Promise<void> => g.add(row(seq)).then((o) => void heard.push([seq, o]));
    const first = [add(1), add(2)];
    await new Promise((r) => setTimeout(r, 5));
    expect(calls.map((c) => c.seqs)).toEqual([[1, 2]]);
    const later = [add(3), add(4)];
    await tick();
    expect(calls).toHaveLength(1); // one commit in flight at a time
    calls[0]?.resolve([true, false]);
    await Promise.all(first);
    expect(heard).toEqual([
      [1, 'stored'],
      [2, 'duplicate'],
    ]);
    await tick();
    expect(calls.map((c) => c.seqs)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(heard).toHaveLength(2);
    calls[1]?.resolve([true, true]);
    await Promise.all(later);
    expect(heard.map(([s]) => s)).toEqual([1, 2, 3, 4]);
  });

  it('rejects the waiters of a failed batch and still commits the next one', async () => {
    const { calls, insert } = heldInsert();
    const g = new GroupCommit({ insert, clock: testClock(), windowMs: 0, maxBatch: 2000 });
    const a = g.add(row(1));
    await new Promise((r) => setTimeout(r, 5));
    const b = g.add(row(2));
    calls[0]?.reject(new Error('disk full'));
    await expect(a).rejects.toThrow('disk full');
    await tick();
    calls[1]?.resolve([true]);
    await expect(b).resolves.toBe('stored');
  });

  it('on close, commits everything queued and waits for the commit in flight', async () => {
    const { calls, insert } = heldInsert();
    const g = new GroupCommit({ insert, clock: testClock(), windowMs: 50, maxBatch: 2000 });
    const a = g.add(row(1));
    let closed = false;
    const closing = g.close().then(() => (closed = true));
    await tick();
    expect(calls.map((c) => c.seqs)).toEqual([[1]]); // not left to the 50 ms window
    expect(closed).toBe(false);
    calls[0]?.resolve([true]);
    await closing;
    await expect(a).resolves.toBe('stored');
  });

  it('commits a batch as soon as it holds maxBatch rows, without waiting for the window, and never a larger one', async () => {
    const { calls, insert } = heldInsert();
    // The window's timer is armed but never fires: only the row count can start these commits.
    const armed: number[] = [];
    const never = (ms: number): Timer => {
      armed.push(ms);
      return setTimeout(() => undefined, 0);
    };
    const clock: Clock = { ...testClock(), setTimeout: (_fn, ms) => never(ms) };
    const g = new GroupCommit({ insert, clock, windowMs: 50, maxBatch: 3 });
    const first = [g.add(row(1)), g.add(row(2))];
    await tick();
    expect(calls).toHaveLength(0); // two rows: waiting for the window
    expect(armed).toEqual([50]);
    const third = g.add(row(3));
    await tick();
    expect(calls.map((c) => c.seqs)).toEqual([[1, 2, 3]]);
    // During that commit seven more arrive: the next batches hold three at most.
    const more = [4, 5, 6, 7, 8, 9, 10].map((s) => g.add(row(s)));
    calls[0]?.resolve([true, true, true]);
    await Promise.all([...first, third]);
    for (let i = 1; i <= 3; i += 1) {
      await tick();
      calls[i]?.resolve(calls[i]?.seqs.map(() => true) ?? []);
    }
    await Promise.all(more);
    expect(calls.map((c) => c.seqs)).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
  });
});
