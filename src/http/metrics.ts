/**
 * Prometheus metrics, in a registry of our own (not prom-client's global one, so tests and a second App do not
 * collide). Labels are scanner ids, outcomes and stable codes only: never a name, a number or a payload.
 * prom-client's default process metrics are left out: on a Pi their event-loop and GC observers cost real CPU
 * (prometheus/client_js#523, #490) and node_exporter covers the machine.
 */
import type { Clock } from '../core/clock.js';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CheckinPipeline } from '../checkin/pipeline.js';
import type { Forwarder } from '../forwarder/forwarder.js';
import type { CheckinStore } from '../store/checkin-store.js';
import type { ScannerSnapshot } from './deps.js';

export interface MetricSources {
  readonly pipeline: Pick<CheckinPipeline, 'on'>;
  readonly forwarder: Pick<Forwarder, 'status' | 'on'>;
  readonly store: Pick<CheckinStore, 'pendingCount' | 'oldestPending' | 'sizeBytes'>;
  readonly scanners: () => readonly ScannerSnapshot[];
  /** False when no broker is configured: there is no forward latency to measure. */
  readonly forwarding: boolean;
  readonly version: string;
  readonly startedAt: Date;
  readonly clock: Clock;
}

/** Check-ins awaiting their acknowledgement that are remembered for the forward-latency histogram. */
const MAX_TRACKED = 10_000;

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const FORWARD_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600, 3600];

export class Metrics {
  readonly registry = new Registry();
  private readonly scans: Counter<'scanner' | 'outcome' | 'code'>;
  /** Commit time by seq, until the broker acknowledges the check-in (insertion-ordered, so trimming drops the oldest). */
  private readonly awaitingAck = new Map<number, number>();
  private readonly sseClients: Gauge;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    this.scans = new Counter({
      name: 'qrgate_scans_total',
      help: 'Scans by scanner ("manual" for typed entries), outcome (accepted, rejected) and code (the reject code; "none" when accepted).',
      labelNames: ['scanner', 'outcome', 'code'],
      registers,
    });
    const repeats = new Counter({
      name: 'qrgate_rereads_suppressed_total',
      help: 'Re-reads of the same card within pipeline.dedupeMs, by scanner.',
      labelNames: ['scanner'],
      registers,
    });
    const alarms = new Counter({
      name: 'qrgate_alarms_total',
      help: 'Store and pipeline alarms by code.',
      labelNames: ['code'],
      registers,
    });
    const commit = new Histogram({
      name: 'qrgate_commit_latency_seconds',
      help: 'From the scan frame being received to its check-in being durably committed (includes reassembly waits).',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const forwardLatency = new Histogram({
      name: 'qrgate_forward_latency_seconds',
      help: 'From commit to the broker acknowledging the check-in (PUBACK).',
      buckets: FORWARD_BUCKETS,
      registers,
    });
    this.sseClients = new Gauge({ name: 'qrgate_status_page_clients', help: 'Open status-page event streams.', registers });
    this.collected();

    sources.forwarder.on('delivered', (d) => {
      if (d.kind !== 'checkin') return;
      const at = this.awaitingAck.get(d.seq);
      if (at === undefined) return; // committed before this process started, or redelivered
      this.awaitingAck.delete(d.seq);
      forwardLatency.observe(Math.max(0, performance.now() - at) / 1000);
    });
    sources.pipeline.on('checkin', (c) => {
      if (c.auto) return; // made by the daily timer, not scanned: no outcome to count, no scan-to-commit latency
      this.scans.inc({ scanner: c.scanner, outcome: 'accepted', code: 'none' });
      commit.observe(Math.max(0, sources.clock.now().getTime() - Date.parse(c.scannedAt)) / 1000);
      if (sources.forwarding) this.trackAck(c.seq);
    });
    sources.pipeline.on('reject', (r) => this.scans.inc({ scanner: r.scanner, outcome: 'rejected', code: r.code }));
    sources.pipeline.on('repeat', (r) => repeats.inc({ scanner: r.scanner }));
    sources.pipeline.on('alarm', (a) => alarms.inc({ code: a.code }));
  }

  sseOpened(): void {
    this.sseClients.inc();
  }

  sseClosed(): void {
    this.sseClients.dec();
  }

  stop(): void {
    this.awaitingAck.clear();
  }

  private trackAck(seq: number): void {
    this.awaitingAck.set(seq, performance.now());
    // During a long outage nothing is acknowledged: keep memory bounded; the pending gauge shows the outage.
    if (this.awaitingAck.size > MAX_TRACKED) this.awaitingAck.delete(this.awaitingAck.keys().next().value as number);
  }

  /** Gauges read at scrape time from the parts that own the numbers. */
  private collected(): void {
    const registers = [this.registry];
    const sources = this.sources;
    new Gauge({
      name: 'qrgate_pending_checkins',
      help: 'Check-ins recorded and not yet acknowledged by the broker.',
      registers,
      collect() {
        this.set(sources.store.pendingCount());
      },
    });
    new Gauge({
      name: 'qrgate_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered check-in (0 when none).',
      registers,
      collect() {
        const oldest = sources.store.oldestPending();
        this.set(oldest === null ? 0 : Math.max(0, (sources.clock.now().getTime() - Date.parse(oldest.scannedAt)) / 1000));
      },
    });
    new Gauge({
      name: 'qrgate_store_bytes',
      help: 'Size of the SQLite database and its WAL.',
      registers,
      collect() {
        this.set(sources.store.sizeBytes());
      },
    });
    let reported = 0;
    new Counter({
      name: 'qrgate_mqtt_reconnects_total',
      help: 'Times the broker connection was lost after being up.',
      registers,
      collect() {
        const now = sources.forwarder.status().reconnects;
        if (now > reported) this.inc(now - reported);
        reported = now;
      },
    });
    new Gauge({
      name: 'qrgate_mqtt_connected',
      help: '1 when connected to the broker, 0 otherwise (also 0 when no broker is configured).',
      registers,
      collect() {
        this.set(sources.forwarder.status().state === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'qrgate_scanner_connected',
      help: '1 when the scanner is connected, 0 otherwise, by scanner id.',
      labelNames: ['scanner'],
      registers,
      collect() {
        this.reset();
        for (const sc of sources.scanners()) this.set({ scanner: sc.scannerId }, sc.state === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'qrgate_uptime_seconds',
      help: 'Seconds since the daemon started.',
      registers,
      collect() {
        this.set(Math.round((sources.clock.now().getTime() - sources.startedAt.getTime()) / 1000));
      },
    });
    new Gauge({ name: 'qrgate_build_info', help: 'Always 1; the version is in the label.', labelNames: ['version'], registers }).set(
      { version: sources.version },
      1,
    );
  }
}
