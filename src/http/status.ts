/**
 * The state the receptionist's screen and `GET /api/status` show. It remembers the last scan (the pipeline does not)
 * and keeps the masked "inside now" list between check-ins, since only a check-in can change it and building it
 * opens every sealed document of the people inside.
 */
import type { HttpDeps } from './deps.js';
import type { InsideView, ScanView, StatusView } from './schemas.js';
import { checkinView, frameTooLongView, insideView, mqttView, refusalView, rejectView, scannerView } from './views.js';
import type { CodeTextView } from './schemas.js';

/** A screen has room for this many; the count says how many there are in all. */
const INSIDE_LIST_MAX = 500;

export class StatusSource {
  private last: ScanView | null = null;
  /** The last scan's view, built only when something reads it: masking costs more than the commit of a burst. */
  private lastView: (() => ScanView) | null = null;
  private inside: InsideView[] | null = null;
  private readonly listeners = new Set<(scan: () => ScanView) => void>();

  constructor(private readonly deps: HttpDeps) {
    deps.pipeline.on('checkin', (c) => {
      this.inside = null;
      this.announce(() => checkinView(c));
    });
    deps.pipeline.on('reject', (r) => this.announce(() => rejectView(r)));
    deps.onScannerState?.((s) => {
      if (s.state === 'error' && s.code === 'E_FRAME_TOO_LONG')
        this.announce(() => frameTooLongView(s.scannerId, deps.zone.iso(deps.clock.now())));
    });
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
    const deps = this.deps;
    const now = deps.clock.now();
    const oldest = deps.store.oldestPending();
    this.inside ??= deps.store.insideLatest(INSIDE_LIST_MAX).map((c) => insideView(c, deps.zone));
    const refusing = this.refusing();
    return {
      device: { id: deps.config.device.id, site: deps.config.device.site },
      version: deps.version,
      now: deps.zone.iso(now),
      uptimeSec: Math.round((now.getTime() - deps.startedAt.getTime()) / 1000),
      clockSynced: deps.clockSynced(),
      today: { ...deps.store.today(), date: deps.zone.date(now) },
      inside: this.inside,
      scanners: deps.scanners().map(scannerView),
      mqtt: mqttView(deps.forwarder.status(), refusing === null),
      queue: {
        pending: deps.store.pendingCount(),
        oldestPendingAgeSec: oldest === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(oldest.scannedAt)) / 1000)),
      },
      lastScan: this.lastScan,
      refusing,
    };
  }

  /**
   * The store's own state, not the last refused scan: a kiosk already full, or whose last write failed, says so from
   * the first paint and after a reload, before any visitor is refused.
   */
  private refusing(): CodeTextView | null {
    try {
      const refusal = this.deps.store.refusal();
      return refusal === null ? null : refusalView(refusal.code);
    } catch {
      // A store that cannot even be asked is not recording either.
      return refusalView('E_STORE_WRITE');
    }
  }

  private announce(view: () => ScanView): void {
    this.lastView = view;
    for (const l of this.listeners) l(() => this.lastScan as ScanView);
  }
}
