/**
 * The Server-Sent Events hub behind `GET /events`. A scan is written to every open stream synchronously from the
 * pipeline's event (the commit has happened), so the screen changes within milliseconds. The rest of the state
 * (counts, scanners, broker, queue) is sent as a `status` event when it changes: right after a scan, and on a
 * one-second check for what has no event of its own (a scanner unplugged, the broker lost, the kiosk's minute).
 */
import type { ServerResponse } from 'node:http';
import { Value } from 'typebox/value';
import type { Clock, Timer } from '../core/clock.js';
import type { Metrics } from './metrics.js';
import { ScanViewSchema, StatusSchema, type ScanView } from './schemas.js';
import type { StatusSource } from './status.js';

const STATUS_CHECK_MS = 1000;
const STATUS_AFTER_SCAN_MS = 50;
/** Proxies and NAT boxes drop idle connections; a comment line keeps the stream alive and detects dead peers. */
const KEEPALIVE_MS = 15_000;
/** How soon a browser reconnects after the stream breaks. */
const RETRY_MS = 1000;

/** A stream whose reader has fallen this far behind (a stalled or hostile client) is dropped, bounding memory. */
const MAX_BUFFERED_BYTES = 256 * 1024;

export interface StreamLimits {
  /** Streams from clients that are not trusted, all together. */
  readonly maxStreams: number;
  readonly maxPerClient: number;
}

export type Admission = 'ok' | 'client-limit' | 'busy';

export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private readonly perClient = new Map<string, number>();
  private untrusted = 0;
  private lastStatus = '';
  private statusTimer: Timer | undefined;
  private afterScan: Timer | undefined;
  private keepalive: Timer | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly status: StatusSource,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly limits: StreamLimits = { maxStreams: 64, maxPerClient: 4 },
  ) {
    this.unsubscribe = status.onScan((scan) => this.onScan(scan));
  }

  /**
   * Whether one more stream from `address` fits: at most `maxPerClient` per address, and at most `maxStreams` from
   * untrusted addresses together. Trusted ones (the kiosk's own screen) count only against their own address, so an
   * attacker holding every untrusted stream never locks the receptionist out.
   */
  admit(address: string, trusted: boolean): Admission {
    if ((this.perClient.get(address) ?? 0) >= this.limits.maxPerClient) return 'client-limit';
    if (!trusted && this.untrusted >= this.limits.maxStreams) return 'busy';
    return 'ok';
  }

  /** Takes over a response (admitted first): headers, the retry hint and the current state at once. */
  add(res: ServerResponse, address = '', trusted = true): void {
    this.perClient.set(address, (this.perClient.get(address) ?? 0) + 1);
    if (!trusted) this.untrusted += 1;
    let counted = true;
    const release = (): void => {
      if (!counted) return;
      counted = false;
      const n = (this.perClient.get(address) ?? 1) - 1;
      if (n <= 0) this.perClient.delete(address);
      else this.perClient.set(address, n);
      if (!trusted) this.untrusted -= 1;
    };
    res.socket?.setNoDelay(true);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    res.write(frame('status', this.statusJson()));
    this.clients.add(res);
    this.metrics.sseOpened();
    res.on('close', () => {
      release();
      if (this.clients.delete(res)) this.metrics.sseClosed();
      if (this.clients.size === 0) this.idle();
    });
    this.statusTimer ??= this.clock.setInterval(() => this.pushStatusIfChanged(), STATUS_CHECK_MS).unref();
    this.keepalive ??= this.clock.setInterval(() => this.broadcast(': keep-alive\n\n'), KEEPALIVE_MS).unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream (the server is closing; browsers will reconnect to the next run). */
  close(): void {
    this.unsubscribe();
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.perClient.clear();
    this.untrusted = 0;
    this.idle();
  }

  private onScan(scan: () => ScanView): void {
    if (this.clients.size === 0) return;
    this.broadcast(frame('scan', JSON.stringify(Value.Clean(ScanViewSchema, structuredClone(scan())))));
    // Counts and the inside list follow a moment later, so several scans in a burst cost one status each.
    this.afterScan ??= this.clock.setTimeout(() => {
      this.afterScan = undefined;
      this.pushStatusIfChanged();
    }, STATUS_AFTER_SCAN_MS);
  }

  private statusJson(): string {
    return JSON.stringify(Value.Clean(StatusSchema, this.status.snapshot()));
  }

  private pushStatusIfChanged(): void {
    if (this.clients.size === 0) return;
    const json = this.statusJson();
    // `now` and uptime change every second; compare without them (but `now`'s minute) so an idle kiosk sends only
    // keep-alives and one status a minute, which keeps the header clock on the kiosk's time (the page carries it
    // forward between statuses by the browser's clock, which may run apart or jump).
    const key = json.replace(/("now":"[^"]{16})[^"]*","uptimeSec":\d+,/, '$1",');
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.broadcast(frame('status', json));
  }

  private broadcast(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      else res.write(text);
    }
  }

  private idle(): void {
    this.clock.clearInterval(this.statusTimer);
    this.clock.clearInterval(this.keepalive);
    this.clock.clearTimeout(this.afterScan);
    this.statusTimer = undefined;
    this.keepalive = undefined;
    this.afterScan = undefined;
    this.lastStatus = '';
  }
}

function frame(event: string, json: string): string {
  return `event: ${event}\ndata: ${json}\n\n`;
}
