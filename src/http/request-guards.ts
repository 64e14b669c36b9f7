/**
 * Who may talk to the status page, checked before any route: the Host header must name this kiosk (DNS rebinding:
 * a foreign page whose name was pointed at the kiosk's address otherwise reads the API as same-origin), a request
 * that changes state must not come from another origin, and manual entry without a login only from the trusted
 * client addresses (the kiosk's own screen). The client address is the socket's: X-Forwarded-For is not trusted.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpCode } from '../core/codes.js';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is 127.0.0.1; IPv6 lower-case without brackets. */
export function normalizeAddress(address: string): string {
  const a = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return a.startsWith('::ffff:') && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/** The host name of a Host header or an origin's host: no port, IPv6 without brackets, lower-case, no final dot. */
export function hostOf(header: string): string {
  const h = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  if (bracketed !== null) return bracketed[1] ?? '';
  const name = h.includes(':') && h.indexOf(':') === h.lastIndexOf(':') ? h.slice(0, h.indexOf(':')) : h;
  return name.replace(/\.$/, '');
}

export class HostAllowList {
  private readonly fixed: ReadonlySet<string>;

  constructor(extra: readonly string[], bindHost: string) {
    const own = hostname().toLowerCase();
    const names = ['localhost', '127.0.0.1', '::1', own, `${own}.local`, ...extra.map(hostOf)];
    if (bindHost !== '0.0.0.0' && bindHost !== '::') names.push(hostOf(bindHost));
    this.fixed = new Set(names.filter((n) => n !== ''));
  }

  /** The kiosk's own addresses are read when needed: DHCP may change them while the daemon runs. */
  allows(host: string): boolean {
    const h = hostOf(host);
    if (this.fixed.has(h) || h.endsWith('.localhost')) return true;
    if (isIP(h) === 0) return false;
    const address = normalizeAddress(h);
    return Object.values(networkInterfaces()).some((list) => list?.some((i) => normalizeAddress(i.address) === address) ?? false);
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The code of a refusal (its status, 421 or 403, is the code's: HTTP_STATUS in src/core/codes.ts). */
export type Refusal = Extract<HttpCode, 'E_HTTP_HOST' | 'E_HTTP_ORIGIN'> | null;

/**
 * Why a request must be refused, or null. Without an Origin header (curl, scrapers: not a browser page of another
 * site) a state-changing request is judged by Sec-Fetch-Site when a browser sent one.
 */
export function refusal(req: FastifyRequest, hosts: HostAllowList): Refusal {
  const host = req.headers.host;
  if (host === undefined || !hosts.allows(host)) return 'E_HTTP_HOST';
  if (SAFE_METHODS.has(req.method)) return null;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'E_HTTP_ORIGIN';
    }
    return originHost.toLowerCase() === host.toLowerCase() ? null : 'E_HTTP_ORIGIN';
  }
  const site = req.headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none' ? null : 'E_HTTP_ORIGIN';
}

export class TrustedClients {
  private readonly addresses: ReadonlySet<string>;

  constructor(list: readonly string[]) {
    this.addresses = new Set(list.map(normalizeAddress));
  }

  has(req: FastifyRequest | string): boolean {
    const ip = typeof req === 'string' ? req : (req.socket.remoteAddress ?? req.ip);
    return this.addresses.has(normalizeAddress(ip));
  }
}

export type Guarded = (req: FastifyRequest, reply: FastifyReply) => Promise<void> | void;
