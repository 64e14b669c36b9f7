/**
 * Connection limits for the status page's server, below the unit's LimitNOFILE=1024: every open socket is a file
 * descriptor the store, the scanners and MQTT also need. Node's `server.maxConnections` alone would refuse the
 * receptionist's own screen as soon as an attacker holds the maximum, so the limits that an attacker can reach are
 * counted here, per client address and in total, for every client except the trusted ones (http.trustedClients: the
 * kiosk itself by default), which are always served. Node's `maxConnections` stays as the backstop over everything,
 * with room above the untrusted cap for the trusted clients.
 */
import type { Server, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../core/clock.js';
import type { TrustedClients } from './request-guards.js';

/** Connections kept for the trusted clients above the untrusted total (Node's maxConnections = total + this). */
export const TRUSTED_HEADROOM = 64;
/** A refused connection is logged at most this often, with the count since: an attack must not flood the journal. */
const LOG_EVERY_MS = 60_000;

const REFUSAL_BODY = 'E_HTTP_BUSY: too many connections\n';
const REFUSAL = `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${REFUSAL_BODY.length}\r\n\r\n${REFUSAL_BODY}`;

export interface ConnectionLimits {
  /** Open connections from all untrusted clients together. */
  readonly maxConnections: number;
  /** Open connections from one untrusted client address. */
  readonly maxPerClient: number;
}

export interface ConnectionGuardDeps {
  readonly trusted: TrustedClients;
  readonly clock: Clock;
  readonly warn: (fields: Record<string, unknown>, msg: string) => void;
}

export class ConnectionGuard {
  private readonly perClient = new Map<string, number>();
  private total = 0;
  private refused = 0;
  private lastLogMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly deps: ConnectionGuardDeps,
  ) {}

  /** Open untrusted connections now, in total and from one address (for tests and the metrics). */
  open(address?: string): number {
    return address === undefined ? this.total : (this.perClient.get(address) ?? 0);
  }

  attach(server: Server<typeof IncomingMessage>): void {
    server.maxConnections = this.limits.maxConnections + TRUSTED_HEADROOM;
    server.on('connection', (socket: Socket) => this.take(socket));
  }

  private take(socket: Socket): void {
    const address = socket.remoteAddress;
    // An address already gone (the peer reset at once) has nothing left to count.
    if (address === undefined) return;
    if (this.deps.trusted.has(address)) return;
    const mine = this.perClient.get(address) ?? 0;
    if (mine >= this.limits.maxPerClient || this.total >= this.limits.maxConnections) {
      this.refuse(socket, mine >= this.limits.maxPerClient ? 'per-client' : 'total');
      return;
    }
    this.perClient.set(address, mine + 1);
    this.total += 1;
    socket.once('close', () => {
      this.total -= 1;
      const left = (this.perClient.get(address) ?? 1) - 1;
      if (left === 0) this.perClient.delete(address);
      else this.perClient.set(address, left);
    });
  }

  private refuse(socket: Socket, limit: 'per-client' | 'total'): void {
    // A plain answer for a client that reads it, then the descriptor is given back at once: a peer that never reads
    // or closes must not keep it.
    socket.write(REFUSAL);
    socket.destroy();
    this.refused += 1;
    const now = this.deps.clock.now().getTime();
    if (now - this.lastLogMs < LOG_EVERY_MS) return;
    this.lastLogMs = now;
    this.deps.warn(
      { code: 'E_HTTP_BUSY', limit, refused: this.refused, open: this.total, ...this.limits },
      'connections refused: a connection limit is reached',
    );
    this.refused = 0;
  }
}
