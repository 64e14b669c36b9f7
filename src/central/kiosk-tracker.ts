/**
 * What central knows of each kiosk's state, from its retained B/status (and the broker-published last will), its
 * B/health reports and its check-ins: kept in memory, written to the store at once (in the background, one write
 * at a time) on every status or health message and, for the last check-in time, at most once a second.
 */
import type { HealthMessage, StatusMessage } from '../forwarder/contract.js';
import { kioskKey, type CentralStore, type KioskId, type KioskState } from './store-types.js';

export interface HealthView {
  readonly at: number;
  readonly pending: number;
  readonly oldestPendingAgeSec: number | null;
  readonly lastSeq: number | null;
  readonly scanners: HealthMessage['scanners'];
}

export class KioskTracker {
  private readonly states = new Map<string, KioskState>();
  private readonly health = new Map<string, HealthView>();
  private readonly unsaved = new Set<string>();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CentralStore,
    private readonly onWriteError: (err: unknown) => void = () => undefined,
  ) {}

  /** Reads the states kept by the last run (or by the other central processes sharing the store). */
  async load(): Promise<void> {
    for (const s of await this.store.allKioskStates()) this.adopt(s);
  }

  /** A state read from the store, kept when it is newer than what this process knows (another process saw it). */
  adopt(s: KioskState): void {
    const key = kioskKey(s);
    const mine = this.states.get(key);
    if (mine !== undefined && (mine.lastSeenMs ?? 0) >= (s.lastSeenMs ?? 0)) return;
    this.states.set(key, s);
    const h = parseHealth(s.health, s.lastSeenMs ?? 0);
    if (h !== null) this.health.set(key, h);
  }

  /** Central (and so its broker) just started: no kiosk is connected until it says so again. */
  allOffline(nowMs: number): void {
    for (const s of this.states.values()) if (s.state === 'online') this.save({ ...s, state: 'offline', sinceMs: nowMs });
  }

  onStatus(k: KioskId, msg: StatusMessage, nowMs: number): void {
    const prev = this.get(k, nowMs);
    const sinceMs = msg.state === 'online' ? Date.parse(msg.since) || nowMs : nowMs;
    this.save({
      ...prev,
      state: msg.state,
      sinceMs: prev.state === msg.state && msg.state === 'offline' ? prev.sinceMs : sinceMs,
      version: msg.state === 'online' ? msg.version : prev.version,
      lastSeenMs: nowMs,
    });
  }

  onHealth(k: KioskId, msg: HealthMessage, nowMs: number): void {
    const text = JSON.stringify(msg);
    this.health.set(kioskKey(k), {
      at: nowMs,
      pending: msg.pending,
      oldestPendingAgeSec: msg.oldestPendingAgeSec,
      lastSeq: msg.lastSeq ?? null,
      scanners: msg.scanners,
    });
    this.save({ ...this.get(k, nowMs), health: text, lastSeenMs: nowMs });
  }

  onCheckin(k: KioskId, clockSynced: boolean, nowMs: number): void {
    const key = kioskKey(k);
    this.states.set(key, { ...this.get(k, nowMs), lastCheckinMs: nowMs, lastSeenMs: nowMs, lastClockSynced: clockSynced });
    this.unsaved.add(key);
  }

  onSeen(k: KioskId, nowMs: number): void {
    const key = kioskKey(k);
    this.states.set(key, { ...this.get(k, nowMs), lastSeenMs: nowMs });
    this.unsaved.add(key);
  }

  /**
   * Writes the states changed since the last write, after any write under way (never two at once, so an older
   * state cannot overwrite a newer one). A state that could not be written stays to be written next time.
   */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const keys = [...this.unsaved];
      this.unsaved.clear();
      try {
        await this.store.saveKioskStates(keys.map((k) => this.states.get(k)).filter((s) => s !== undefined));
      } catch (err) {
        for (const k of keys) this.unsaved.add(k);
        throw err;
      }
    });
    const done = this.writing;
    this.writing = done.catch(() => undefined);
    return done;
  }

  state(k: KioskId): KioskState | undefined {
    return this.states.get(kioskKey(k));
  }

  healthOf(k: KioskId): HealthView | undefined {
    return this.health.get(kioskKey(k));
  }

  all(): KioskState[] {
    return [...this.states.values()];
  }

  private get(k: KioskId, nowMs: number): KioskState {
    return (
      this.states.get(kioskKey(k)) ?? {
        site: k.site,
        device: k.device,
        state: 'offline',
        sinceMs: nowMs,
        lastSeenMs: null,
        lastCheckinMs: null,
        version: null,
        health: null,
        lastClockSynced: null,
      }
    );
  }

  private save(s: KioskState): void {
    this.states.set(kioskKey(s), s);
    this.unsaved.add(kioskKey(s));
    this.flush().catch(this.onWriteError);
  }
}

function parseHealth(text: string | null, at: number): HealthView | null {
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as HealthMessage;
    return { at, pending: m.pending, oldestPendingAgeSec: m.oldestPendingAgeSec, lastSeq: m.lastSeq ?? null, scanners: m.scanners };
  } catch {
    return null;
  }
}
