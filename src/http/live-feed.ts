/**
 * The Server-Sent Events hub behind `GET /events`. A scan is written to every open stream synchronously from the
 * pipeline's event (the commit has happened), so the screen changes within milliseconds. The rest of the state
 * (counts, scanners, broker, queue) is sent as a `status` event when it changes: right after a scan, and on a
 * one-second check for what has no event of its own (a scanner unplugged, the broker lost).
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

export class LiveFeed {
  private readonly clients = new Set<ServerResponse>();
  private lastStatus = '';
  private statusTimer: Timer | undefined;
  private afterScan: Timer | undefined;
  private keepalive: Timer | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly status: StatusSource,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
  ) {
    this.unsubscribe = status.onScan((scan) => this.onScan(scan));
  }

  /** Takes over a response: headers, the retry hint and the current state at once. */
  add(res: ServerResponse): void {
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
    // `now` and uptime change every second; compare without them so an idle kiosk sends nothing but keep-alives.
    const key = json.replace(/"now":"[^"]*","uptimeSec":\d+,/, '');
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.broadcast(frame('status', json));
  }

  private broadcast(text: string): void {
    for (const res of this.clients) res.write(text);
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
