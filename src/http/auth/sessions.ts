/**
 * Technician sessions, in memory: a restart logs everyone out, which on a kiosk is what one wants. The cookie holds
 * a random 256-bit token; logs name a session by a short hash of it, never the token itself.
 */
import { createHash, randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'qrgate_session';
const MAX_SESSIONS = 32;

export interface Session {
  /** Safe to log: a digest prefix, useless as a credential. */
  readonly ref: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly ip: string;
}

export class Sessions {
  private readonly byToken = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  create(ip: string): { token: string; session: Session } {
    this.sweep();
    // A flood of logins cannot grow memory: the oldest session goes first.
    if (this.byToken.size >= MAX_SESSIONS) this.byToken.delete(this.byToken.keys().next().value as string);
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const session: Session = { ref: refOf(token), createdAt: at, expiresAt: at + this.ttlMs, ip };
    this.byToken.set(token, session);
    return { token, session };
  }

  get(token: string | undefined): Session | null {
    if (token === undefined) return null;
    const s = this.byToken.get(token);
    if (s === undefined) return null;
    if (s.expiresAt <= this.now()) {
      this.byToken.delete(token);
      return null;
    }
    return s;
  }

  delete(token: string | undefined): void {
    if (token !== undefined) this.byToken.delete(token);
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, s] of this.byToken) if (s.expiresAt <= now) this.byToken.delete(token);
  }
}

function refOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8);
}
