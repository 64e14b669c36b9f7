import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { setAsidePolicy } from '../../src/store/set-aside.js';

interface Logged {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly seq?: number;
}

function capture() {
  const lines: Logged[] = [];
  const log = createLogger('info', { write: (line: string) => lines.push(JSON.parse(line) as Logged) } as unknown as NodeJS.WritableStream);
  return { lines, log };
}

describe('set-aside policy for unreadable check-ins', () => {
  it('takes a pending row out of the outbox and logs E_STORE_UNREADABLE with its seq, once', () => {
    const { lines, log } = capture();
    const pending = new Set([7]);
    const setAside = setAsidePolicy({ setAsideUnreadable: (seq) => pending.delete(seq) }, log);
    setAside(7);
    setAside(7); // already set aside (a resend met it again): nothing more to say
    expect(pending.size).toBe(0);
    expect(lines.map((l) => [l.code, l.seq])).toEqual([['E_STORE_UNREADABLE', 7]]);
  });

  it('leaves the row pending when the mark cannot be written, and says so without throwing', () => {
    const { lines, log } = capture();
    const setAside = setAsidePolicy(
      {
        setAsideUnreadable: () => {
          throw new Error('disk trouble');
        },
      },
      log,
    );
    expect(() => setAside(9)).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ seq: 9, msg: 'could not set aside an unreadable check-in' });
  });
});
