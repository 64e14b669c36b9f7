/**
 * Central's Prometheus metrics, in a registry of its own. Aggregates only: no site, device, person or topic in any
 * label (per-kiosk state is on the fleet page); labels are message kinds, refusal reasons and states.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { REFUSAL_REASONS, type RefusalReason } from './parse.js';

export interface FleetTotals {
  readonly online: number;
  readonly offline: number;
  readonly silent: number;
  readonly gapsOpen: number;
  readonly lost: number;
}

export class CentralMetrics {
  readonly registry = new Registry();
  readonly messages: Counter<'kind'>;
  readonly stored: Counter;
  readonly duplicates: Counter;
  readonly refused: Counter<'reason'>;
  readonly refusedSubscriptions: Counter;
  readonly authFailures: Counter;
  readonly resendRequests: Counter;
  readonly commitSeconds: Histogram;
  readonly batchRows: Histogram;
  readonly ingestLag: Histogram;

  constructor(fleetTotals: () => Promise<FleetTotals>, connected: () => number) {
    const registers = [this.registry];
    // One fleet reading per scrape, not one per gauge: the three gauges collect within the same second.
    let last: { at: number; totals: Promise<FleetTotals> } | undefined;
    const totals = (): Promise<FleetTotals> => {
      const at = performance.now();
      if (last === undefined || at - last.at > 1000) last = { at, totals: fleetTotals() };
      return last.totals;
    };
    this.messages = new Counter({
      name: 'qrgate_central_messages_total',
      help: 'Kiosk messages accepted, by kind (checkin, reject, status, health, response).',
      labelNames: ['kind'],
      registers,
    });
    this.stored = new Counter({
      name: 'qrgate_central_checkins_stored_total',
      help: 'Check-ins stored (committed before the kiosk was acknowledged).',
      registers,
    });
    this.duplicates = new Counter({
      name: 'qrgate_central_duplicates_total',
      help: 'Check-ins received again with an id already stored (not stored twice).',
      registers,
    });
    this.refused = new Counter({
      name: 'qrgate_central_refused_total',
      help: 'Kiosk messages refused, by reason (forged_topic, unknown_topic, oversized, not_json, wrong_version, schema, origin_mismatch).',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of REFUSAL_REASONS) this.refused.inc({ reason }, 0);
    this.refusedSubscriptions = new Counter({
      name: 'qrgate_central_refused_subscriptions_total',
      help: 'Subscriptions refused (outside the kiosk’s own request topics).',
      registers,
    });
    this.authFailures = new Counter({
      name: 'qrgate_central_auth_failures_total',
      help: 'MQTT connections refused for their credentials.',
      registers,
    });
    this.resendRequests = new Counter({
      name: 'qrgate_central_resend_requests_total',
      help: 'resend requests sent to kiosks for missing seq ranges.',
      registers,
    });
    this.commitSeconds = new Histogram({
      name: 'qrgate_central_commit_seconds',
      help: 'Time of one group commit (insert and fsync).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.batchRows = new Histogram({
      name: 'qrgate_central_batch_rows',
      help: 'Check-ins per group commit.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers,
    });
    this.ingestLag = new Histogram({
      name: 'qrgate_central_ingest_lag_seconds',
      help: 'From the scan (kiosk clock, synchronised only) to its row at central.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300, 3600, 86_400],
      registers,
    });
    new Gauge({
      name: 'qrgate_central_kiosks',
      help: 'Kiosks by state (online, offline, silent: online without a check-in for fleet.silentAfterMinutes).',
      labelNames: ['state'],
      registers,
      async collect() {
        const t = await totals();
        this.set({ state: 'online' }, t.online);
        this.set({ state: 'offline' }, t.offline);
        this.set({ state: 'silent' }, t.silent);
      },
    });
    new Gauge({
      name: 'qrgate_central_seq_gaps_open',
      help: 'Seqs missing across the fleet and not known lost.',
      registers,
      async collect() {
        this.set((await totals()).gapsOpen);
      },
    });
    new Gauge({
      name: 'qrgate_central_seq_lost',
      help: 'Seqs across the fleet that kiosks no longer have (lost).',
      registers,
      async collect() {
        this.set((await totals()).lost);
      },
    });
    new Gauge({
      name: 'qrgate_central_mqtt_clients',
      help: 'MQTT clients connected to the embedded broker.',
      registers,
      collect() {
        this.set(connected());
      },
    });
  }

  refuse(reason: RefusalReason): void {
    this.refused.inc({ reason });
  }
}
