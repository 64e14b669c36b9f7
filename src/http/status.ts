/**
 * The state the receptionist's screen and `GET /api/status` show. It remembers the last scan (the pipeline does not)
 * and keeps the masked "inside now" list between check-ins, since only a check-in can change it and building it
 * opens every sealed document of the people inside.
 */
import type { HttpDeps } from './deps.js';
import type { InsideView, ScanView, StatusView } from './schemas.js';
import { checkinView, insideView, mqttView, rejectView, scannerView } from './views.js';

/** A screen has room for this many; the count says how many there are in all. */
const INSIDE_LIST_MAX = 500;

export class StatusSource {
  private last: ScanView | null = null;
  /** The last scan's view, built only when something reads it: masking costs more than the commit of a burst. */
  private lastView: (() => ScanView) | null = null;
  private inside: InsideView[] | null = null;
  private readonly listeners = new Set<(scan: () => ScanView) => void>();

  constructor(private readonly d: HttpDeps) {
    d.pipeline.on('checkin', (c) => {
      this.inside = null;
      this.announce(() => checkinView(c));
    });
    d.pipeline.on('reject', (r) => this.announce(() => rejectView(r)));
  }

  /** Called synchronously on every scan, right after its commit, with the way to its view. */
  onScan(listener: (scan: () => ScanView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get lastScan(): ScanView | null {
    if (this.lastView !== null) {
      this.last = this.lastView();
      this.lastView = null;
    }
    return this.last;
  }

  snapshot(): StatusView {
    const d = this.d;
    const now = d.clock.now();
    const oldest = d.store.oldestPending();
    this.inside ??= d.store.insideNow().slice(-INSIDE_LIST_MAX).reverse().map(insideView);
    return {
      device: { id: d.config.device.id, site: d.config.device.site },
      version: d.version,
      now: d.zone.iso(now),
      uptimeSec: Math.round((now.getTime() - d.startedAt.getTime()) / 1000),
      clockSynced: d.clockSynced(),
      today: d.store.today(),
      inside: this.inside,
      scanners: d.scanners().map(scannerView),
      mqtt: mqttView(d.forwarder.status()),
      queue: {
        pending: d.store.pendingCount(),
        oldestPendingAgeSec: oldest === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(oldest.scannedAt)) / 1000)),
      },
      lastScan: this.lastScan,
    };
  }

  private announce(view: () => ScanView): void {
    this.lastView = view;
    for (const l of this.listeners) l(() => this.lastScan as ScanView);
  }
}
