/**
 * While the broker is unreachable, a bare TCP connect tells when it is back, long before the backoff would. Only
 * for an unreachable broker (nothing listens, or no route): a refused SYN costs the broker nothing, so many kiosks
 * can probe; a broker that answers but refuses us (credentials, TLS) is left to the backoff.
 */
import { connect as tcpConnect } from 'node:net';
import type { Clock, Timer } from '../core/clock.js';

export const PROBE_EVERY_MS = 2000;
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'mqtt:': 1883,
  'tcp:': 1883,
  'mqtts:': 8883,
  'ssl:': 8883,
  'ws:': 80,
  'wss:': 443,
};

export class ReachabilityProbe {
  private timer: Timer | undefined;

  /** `onReachable` is called once, when a probe connects; the probe has stopped by then. */
  constructor(
    private readonly url: string,
    private readonly clock: Clock,
    private readonly onReachable: () => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    let target: { host: string; port: number };
    try {
      const u = new URL(this.url);
      target = { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? (DEFAULT_PORTS[u.protocol] ?? 1883) : Number(u.port) };
    } catch {
      return;
    }
    const tick = (): void => {
      const socket = tcpConnect(target);
      socket.setTimeout(PROBE_EVERY_MS);
      const done = (reachable: boolean): void => {
        socket.destroy();
        if (this.timer === undefined) return;
        if (reachable) {
          this.timer = undefined;
          this.onReachable();
        } else {
          this.timer = this.clock.setTimeout(tick, jittered());
        }
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    };
    this.timer = this.clock.setTimeout(tick, jittered());
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function jittered(): number {
  return PROBE_EVERY_MS + Math.random() * 1000;
}
