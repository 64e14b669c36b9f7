/** Operator sessions: the kiosk's in-memory token store (src/http/auth/sessions.ts), each token bound to a user and role. */
import type { Clock } from '../core/clock.js';
import { Sessions, type Session } from '../http/auth/sessions.js';
import type { Role } from './store-types.js';

export const CENTRAL_SESSION_COOKIE = 'qrgate_central_session';

export interface Operator {
  readonly user: string;
  readonly role: Role;
  readonly session: Session;
}

const RANK: Readonly<Record<Role, number>> = { viewer: 0, tracer: 1, admin: 2 };

/** Roles are ordered: a tracer may do what a viewer may, an admin what a tracer may. */
export const mayAct = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

export class OperatorSessions {
  private readonly sessions: Sessions;
  private readonly who = new Map<string, { user: string; role: Role }>();

  constructor(ttlMs: number, clock: Clock) {
    this.sessions = new Sessions(ttlMs, () => clock.now().getTime());
  }

  create(user: string, role: Role, ip: string): { token: string; session: Session } {
    const created = this.sessions.create(ip);
    this.who.set(created.token, { user, role });
    if (this.who.size > 64) for (const t of this.who.keys()) if (this.sessions.get(t) === null) this.who.delete(t);
    return created;
  }

  get(token: string | undefined): Operator | null {
    const session = this.sessions.get(token);
    const who = token === undefined ? undefined : this.who.get(token);
    return session === null || who === undefined ? null : { ...who, session };
  }

  delete(token: string | undefined): void {
    this.sessions.delete(token);
    if (token !== undefined) this.who.delete(token);
  }
}
