/**
 * The ingest: one inbound kiosk message in, one decision out — acknowledge (stored, a duplicate, or refused for
 * good) or drop the connection (a forged topic, or the store failed, so the kiosk sends again). Check-ins are sealed
 * where the group commit inserts them (seal-checkin.ts); the promise settles only after the commit. Broker-independent: the
 * embedded broker calls it from aedes' authorizePublish; an external-broker consumer would call it per message.
 */
import type { Clock } from '../core/clock.js';
import type { CheckinMessage } from '../forwarder/contract.js';
import { Compile } from 'typebox/compile';
import { HealthMessageSchema, ResendResultSchema } from '../forwarder/schemas.js';
import type { Logger } from '../logger.js';
import type { GapWatcher } from './gaps.js';
import type { GroupCommit } from './group-commit.js';
import type { KioskTracker } from './kiosk-tracker.js';
import type { CentralMetrics } from './metrics.js';
import { parseInbound, type RefusalReason } from './parse.js';
import { kioskKey, type CentralStore, type CheckinDraft, type KioskId } from './store-types.js';

const checkResendResult = Compile(ResendResultSchema);
const checkHealth = Compile(HealthMessageSchema);
/** A refusal is logged once per kiosk and reason in this period (a flood must not flood the journal). */
const REFUSAL_LOG_MS = 60_000;

export type Decision = 'ack' | 'disconnect';

export interface IngestDeps {
  readonly store: CentralStore;
  readonly commit: GroupCommit<CheckinDraft>;
  readonly tracker: KioskTracker;
  readonly gaps: GapWatcher;
  readonly metrics: CentralMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  readonly baseTopic: string;
  readonly maxBytes: number;
  /** Test and chaos hook only: a check-in for which it returns true is acknowledged but not stored (an injected loss). */
  readonly drop?: (m: CheckinMessage) => boolean;
}

export class Ingest {
  private readonly refusalLogged = new Map<string, number>();

  constructor(private readonly deps: IngestDeps) {}

  /** `sender`: the kiosk the connection authenticated as, or null (anonymous). Never throws. */
  async handle(topic: string, payload: Uint8Array, sender: KioskId | null): Promise<Decision> {
    const m = parseInbound(topic, payload, { baseTopic: this.deps.baseTopic, maxBytes: this.deps.maxBytes, sender });
    const now = this.deps.clock.now().getTime();
    if (!m.ok) return this.refuse(m.reason, m.kiosk, now);
    this.deps.metrics.messages.inc({ kind: m.kind });
    try {
      switch (m.kind) {
        case 'checkin':
          return await this.checkin(m.kiosk, m.msg, now);
        case 'reject':
          await this.deps.store.insertRejects([
            {
              id: m.msg.id,
              site: m.kiosk.site,
              device: m.kiosk.device,
              code: m.msg.code,
              scannedMs: Date.parse(m.msg.scannedAt),
              receivedMs: now,
            },
          ]);
          this.deps.tracker.onSeen(m.kiosk, now);
          return 'ack';
        case 'status':
          this.deps.tracker.onStatus(m.kiosk, m.msg, now);
          this.deps.log.info({ site: m.kiosk.site, device: m.kiosk.device, state: m.msg.state }, 'kiosk status');
          return 'ack';
        case 'health':
          this.deps.tracker.onHealth(m.kiosk, m.msg, now);
          this.deps.gaps.onHealth(m.kiosk, m.msg);
          return 'ack';
        case 'response':
          await this.response(m.kiosk, m.op, m.msg, now);
          return 'ack';
      }
    } catch (err) {
      // The store failed: no acknowledgement, the kiosk keeps the message and sends it again after reconnecting.
      this.deps.log.error(
        { err, site: m.kiosk.site, device: m.kiosk.device, kind: m.kind },
        'could not store a kiosk message; the kiosk will send it again',
      );
      return 'disconnect';
    }
  }

  private async checkin(k: KioskId, msg: CheckinMessage, now: number): Promise<Decision> {
    if (this.deps.drop?.(msg) === true) return 'ack';
    const doc = msg.document;
    // Sealed and hashed where it is inserted (the writer thread): this thread only parses and acknowledges.
    const row: CheckinDraft = {
      id: msg.id,
      site: k.site,
      device: k.device,
      seq: msg.seq,
      direction: msg.direction,
      docType: doc.type,
      scannedAt: msg.scannedAt,
      scannedMs: Date.parse(msg.scannedAt),
      clockSynced: msg.clockSynced,
      receivedMs: now,
      number: doc.number,
      body: JSON.stringify({ document: doc, scanner: msg.scanner, auto: msg.auto, warnings: msg.warnings }),
    };
    const outcome = await this.deps.commit.add(row);
    if (outcome === 'duplicate') {
      this.deps.metrics.duplicates.inc();
      return 'ack';
    }
    this.deps.metrics.stored.inc();
    const committedAt = this.deps.clock.now().getTime();
    if (msg.clockSynced) this.deps.metrics.ingestLag.observe(Math.max(0, committedAt - row.scannedMs) / 1000);
    this.deps.tracker.onCheckin(k, msg.clockSynced, committedAt);
    this.deps.gaps.touch(k);
    return 'ack';
  }

  private async response(k: KioskId, op: string, msg: { ok: boolean; data?: unknown }, now: number): Promise<void> {
    this.deps.tracker.onSeen(k, now);
    if (!msg.ok) {
      this.deps.log.warn({ site: k.site, device: k.device, op }, 'the kiosk refused a request');
      return;
    }
    if (op === 'resend' && checkResendResult.Check(msg.data)) await this.deps.gaps.onResendResult(k, msg.data);
    else if (op === 'health' && checkHealth.Check(msg.data)) {
      this.deps.tracker.onHealth(k, msg.data, now);
      this.deps.gaps.onHealth(k, msg.data);
    }
  }

  private refuse(reason: RefusalReason, k: KioskId | null, now: number): Decision {
    this.deps.metrics.refuse(reason);
    const key = `${k === null ? '-' : kioskKey(k)} ${reason}`;
    if (now - (this.refusalLogged.get(key) ?? -Infinity) >= REFUSAL_LOG_MS) {
      this.refusalLogged.set(key, now);
      if (this.refusalLogged.size > 10_000) this.refusalLogged.clear();
      // Never the payload, nor the topic (a forged topic is attacker-chosen text).
      this.deps.log.warn({ reason, site: k?.site, device: k?.device }, 'kiosk message refused');
    }
    return reason === 'forged_topic' ? 'disconnect' : 'ack';
  }
}
