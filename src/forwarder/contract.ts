/**
 * The MQTT contract with central systems, version 1 (docs/mqtt.md, JSON Schemas in docs/schemas/). Central
 * consumers rely on these names: a change is a new `v`, documented there.
 */
import type { IdentityDocument } from '../decode/index.js';
import type { Direction } from '../store/types.js';

export const CONTRACT_VERSION = 1;

export interface Topics {
  readonly base: string;
  readonly checkins: string;
  readonly rejects: string;
  readonly status: string;
  readonly health: string;
  readonly requests: string;
  response(op: string): string;
}

/** `B = {baseTopic}/{site}/{device}`; every topic of a kiosk lives under it. */
export function topicsFor(baseTopic: string, site: string, device: string): Topics {
  const base = `${baseTopic}/${site}/${device}`;
  return {
    base,
    checkins: `${base}/checkins`,
    rejects: `${base}/rejects`,
    status: `${base}/status`,
    health: `${base}/health`,
    requests: `${base}/request/+`,
    response: (op) => `${base}/response/${op}`,
  };
}

export type MinimalDocument = Pick<IdentityDocument, 'type' | 'number' | 'name'>;

/** `B/checkins`, QoS 1, not retained: one message per check-in, redelivered with the same id and seq. */
export interface CheckinMessage {
  readonly v: 1;
  readonly id: string;
  readonly seq: number;
  readonly site: string;
  readonly device: string;
  readonly scanner: string;
  readonly direction: Direction;
  readonly auto: boolean;
  readonly scannedAt: string;
  readonly clockSynced: boolean;
  readonly document: IdentityDocument | MinimalDocument;
  readonly warnings: readonly string[];
}

/** `B/rejects`, QoS 1: why a scan was refused; never the payload. */
export interface RejectMessage {
  readonly v: 1;
  readonly id: string;
  readonly site: string;
  readonly device: string;
  readonly scanner: string;
  readonly scannedAt: string;
  readonly code: string;
}

/** `B/status`, retained; the broker publishes the offline form as the last will. */
export type StatusMessage =
  | { readonly state: 'online'; readonly version: string; readonly since: string }
  | { readonly state: 'offline' };

export interface ScannerHealth {
  readonly id: string;
  readonly state: 'connected' | 'disconnected' | 'error' | 'stopped';
  readonly code?: string;
}

/** `B/health`, retained, every minute. */
export interface HealthMessage {
  readonly v: 1;
  readonly at: string;
  readonly uptimeSec: number;
  readonly scanners: readonly ScannerHealth[];
  readonly pending: number;
  readonly oldestPendingAgeSec: number | null;
  readonly storeBytes: number;
  /** The highest seq committed (0 before the first); optional: kiosks before 0.2.0 do not send it. */
  readonly lastSeq?: number;
  readonly mqtt: { readonly reconnects: number; readonly protocolVersion: number };
}

/** `B/request/resend`: republish the stored check-ins `from..to` (inclusive). */
export interface ResendRequest {
  readonly from: number;
  readonly to: number;
  readonly tid?: string;
}

/** The `data` of `B/response/resend`. */
export interface ResendResult {
  readonly from: number;
  readonly to: number;
  readonly sent: number;
  readonly missing: ReadonlyArray<readonly [number, number]>;
  readonly unreadable: readonly number[];
}

/** `B/response/{op}`: the answer to `B/request/{op}`, carrying the request's correlation data and `tid`. */
export type ResponseMessage =
  | { readonly ok: true; readonly op: string; readonly tid?: string; readonly data: unknown }
  | { readonly ok: false; readonly op: string; readonly tid?: string; readonly error: { readonly code: string; readonly message: string } };
