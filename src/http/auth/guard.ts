/** The technician routes' gate: a valid session cookie or 401. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../errors.js';
import { SESSION_COOKIE, type Session, type Sessions } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the technician guard on the routes it protects. */
    techSession?: Session;
  }
}

export function requireTechnician(sessions: Sessions) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const session = sessions.get(req.cookies[SESSION_COOKIE]);
    if (session === null) {
      await sendError(reply, 'E_HTTP_UNAUTHORIZED');
      return;
    }
    req.techSession = session;
  };
}

/** Who did it, for the log: the session reference and the address, never the token. */
export function actor(req: FastifyRequest): { session: string | undefined; ip: string } {
  return { session: req.techSession?.ref, ip: req.ip };
}
