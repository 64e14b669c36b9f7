/**
 * Classifies one inbound kiosk message: its topic against the sender's identity and the contract's topics, its size,
 * its JSON and its schema (the TypeBox schemas of src/forwarder/schemas.ts, compiled). Pure and total: any bytes
 * give a result, never an exception, so no message can crash the ingest (property-tested).
 */
import { Compile } from 'typebox/compile';
import type { ResponseMessage, StatusMessage, TopicPayloads } from '../forwarder/contract.js';
import {
  CheckinMessageSchema,
  HealthMessageSchema,
  RejectMessageSchema,
  ResponseMessageSchema,
  StatusMessageSchema,
} from '../forwarder/schemas.js';
import type { KioskId } from './store-types.js';

const checkCheckin = Compile(CheckinMessageSchema);
const checkReject = Compile(RejectMessageSchema);
const checkStatus = Compile(StatusMessageSchema);
const checkHealth = Compile(HealthMessageSchema);
const checkResponse = Compile(ResponseMessageSchema);

/** Why a message was refused; a label of central's refusal counter. */
export type RefusalReason = 'forged_topic' | 'unknown_topic' | 'oversized' | 'not_json' | 'wrong_version' | 'schema' | 'origin_mismatch';
export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'forged_topic',
  'unknown_topic',
  'oversized',
  'not_json',
  'wrong_version',
  'schema',
  'origin_mismatch',
];

/** What central takes from a kiosk: each kind of message and the topic of the contract's map it comes on. */
interface InboundTopics {
  readonly checkin: 'checkins';
  readonly reject: 'rejects';
  readonly status: 'status';
  readonly health: 'health';
  readonly response: 'response';
}
/** An accepted message, typed by its topic's payload in the contract's topic → payload map. */
type Accepted = {
  readonly [K in keyof InboundTopics]: {
    readonly ok: true;
    readonly kind: K;
    readonly kiosk: KioskId;
    readonly msg: TopicPayloads[InboundTopics[K]];
  } & (K extends 'response' ? { readonly op: string } : unknown);
}[keyof InboundTopics];

export type Inbound = Accepted | { readonly ok: false; readonly reason: RefusalReason; readonly kiosk: KioskId | null };

export interface ParseOptions {
  readonly baseTopic: string;
  readonly maxBytes: number;
  /** The kiosk the connection authenticated as; null for an anonymous connection (broker.allowAnonymous). */
  readonly sender: KioskId | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** `{base}/SITE/DEVICE/kind[/op]` → its parts, or null when it is not a kiosk topic. */
export function kioskTopic(topic: string, baseTopic: string): { kiosk: KioskId; kind: string; op: string | null } | null {
  if (!topic.startsWith(`${baseTopic}/`)) return null;
  const parts = topic.slice(baseTopic.length + 1).split('/');
  const [site, device, kind, op, ...rest] = parts;
  if (site === undefined || device === undefined || kind === undefined || rest.length > 0) return null;
  if (!NAME.test(site) || !NAME.test(device)) return null;
  return { kiosk: { site, device }, kind, op: op ?? null };
}

function refuse(reason: RefusalReason, kiosk: KioskId | null): Inbound {
  return { ok: false, reason, kiosk };
}

export function parseInbound(topic: string, payload: Uint8Array, options: ParseOptions): Inbound {
  const t = kioskTopic(topic, options.baseTopic);
  if (t === null) return refuse(options.sender === null ? 'unknown_topic' : 'forged_topic', options.sender);
  const { kiosk, kind, op } = t;
  if (options.sender !== null && (options.sender.site !== kiosk.site || options.sender.device !== kiosk.device))
    return refuse('forged_topic', options.sender);
  const known =
    (op === null && ['checkins', 'rejects', 'status', 'health'].includes(kind)) || (op !== null && kind === 'response' && NAME.test(op));
  if (!known) return refuse(kind === 'request' ? 'forged_topic' : 'unknown_topic', kiosk);
  if (payload.length > options.maxBytes) return refuse('oversized', kiosk);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
  } catch {
    return refuse('not_json', kiosk);
  }
  const v = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { v?: unknown }).v : undefined;
  switch (kind) {
    case 'checkins':
      if (v !== 1) return refuse('wrong_version', kiosk);
      if (!checkCheckin.Check(body)) return refuse('schema', kiosk);
      if (body.site !== kiosk.site || body.device !== kiosk.device) return refuse('origin_mismatch', kiosk);
      return { ok: true, kind: 'checkin', kiosk, msg: body };
    case 'rejects':
      if (v !== 1) return refuse('wrong_version', kiosk);
      if (!checkReject.Check(body)) return refuse('schema', kiosk);
      if (body.site !== kiosk.site || body.device !== kiosk.device) return refuse('origin_mismatch', kiosk);
      return { ok: true, kind: 'reject', kiosk, msg: body };
    case 'status':
      if (!checkStatus.Check(body)) return refuse('schema', kiosk);
      return { ok: true, kind: 'status', kiosk, msg: body as StatusMessage };
    case 'health':
      if (v !== 1) return refuse('wrong_version', kiosk);
      if (!checkHealth.Check(body)) return refuse('schema', kiosk);
      return { ok: true, kind: 'health', kiosk, msg: body };
    default:
      if (!checkResponse.Check(body)) return refuse('schema', kiosk);
      return { ok: true, kind: 'response', kiosk, op: op ?? '', msg: body as ResponseMessage };
  }
}
