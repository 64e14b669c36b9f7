/**
 * The MQTT contract with central systems, version 1 (docs/mqtt.md, JSON Schemas in docs/schemas/). The TypeBox
 * schemas of schemas.ts are its one source: every message type here is derived from its schema, and every topic is
 * typed by the message it carries, so a publish of the wrong message on a topic does not compile. Central consumers
 * rely on these names: a change is a new `v`, documented there.
 */
import type { Static, TSchema } from 'typebox';
import type {
  CheckinMessageSchema,
  HealthMessageSchema,
  RejectMessageSchema,
  ResendRequestSchema,
  ResendResultSchema,
  ResponseMessageSchema,
  StatusMessageSchema,
  MinimalDocumentSchema,
} from './schemas.js';

/** A schema's static type, read-only all the way down: a message is built once and never changed. */
export type Message<S extends TSchema> = DeepReadonly<Static<S>>;
type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** `B/checkins`, QoS 1, not retained: one message per check-in, redelivered with the same id and seq. */
export type CheckinMessage = Message<typeof CheckinMessageSchema>;
/** The document as `mqtt.documentFields: minimal` sends it. */
export type MinimalDocument = Message<typeof MinimalDocumentSchema>;
/** `B/rejects`, QoS 1: why a scan was refused; never the payload. */
export type RejectMessage = Message<typeof RejectMessageSchema>;
/** `B/status`, retained; the broker publishes the offline form as the last will. */
export type StatusMessage = Message<typeof StatusMessageSchema>;
/** `B/health`, retained, every minute. */
export type HealthMessage = Message<typeof HealthMessageSchema>;
/** `B/request/resend`: republish the stored check-ins `from..to` (inclusive). */
export type ResendRequest = Message<typeof ResendRequestSchema>;
/** The `data` of `B/response/resend`. */
export type ResendResult = Message<typeof ResendResultSchema>;
/** `B/response/{op}`: the answer to `B/request/{op}`, carrying the request's correlation data and `tid`. */
export type ResponseMessage = Message<typeof ResponseMessageSchema>;
/** The body of a request that takes no argument (`ping`, `health`, `config`): any JSON object, its `tid` echoed. */
export type PlainRequest = Pick<ResendRequest, 'tid'>;
/** The `data` of `B/response/ping`. */
export interface PingResult {
  readonly pong: true;
  readonly at: string;
  readonly version: string;
}

/** What central may ask a kiosk on `B/request/{op}`: each op's request body. */
export interface RequestPayloads {
  readonly ping: PlainRequest;
  readonly health: PlainRequest;
  /** The kiosk's configuration, secrets removed. */
  readonly config: PlainRequest;
  readonly resend: ResendRequest;
}
export type RequestOp = keyof RequestPayloads;
/** The `data` of each op's successful answer on `B/response/{op}`. */
export interface ResponseData {
  readonly ping: PingResult;
  readonly health: HealthMessage;
  /** The redacted configuration document (its shape is the config schema's, not part of this contract). */
  readonly config: unknown;
  readonly resend: ResendResult;
}
type FailedResponse = Extract<ResponseMessage, { readonly ok: false }>;
/** The answer to one op: its data, or the refusal every op may give. */
export type ResponseFor<Op extends RequestOp> =
  { readonly ok: true; readonly op: Op; readonly tid?: string; readonly data: ResponseData[Op] } | (FailedResponse & { readonly op: Op });

/**
 * What each topic of a kiosk carries (the topic → payload map): `Topics` gives each topic this type. `response` is
 * any op's answer (an unknown op is answered too, with E_UNKNOWN_OP); `request/{op}` and `response/{op}` are typed
 * by the op.
 */
export type TopicPayloads = {
  readonly checkins: CheckinMessage;
  readonly rejects: RejectMessage;
  readonly status: StatusMessage;
  readonly health: HealthMessage;
  readonly response: ResponseMessage;
} & { readonly [Op in RequestOp as `request/${Op}`]: RequestPayloads[Op] } & {
  readonly [Op in RequestOp as `response/${Op}`]: ResponseFor<Op>;
};

declare const carries: unique symbol;
declare const encodes: unique symbol;
/** A topic that carries messages of type T (a string at run time). */
export type Topic<T> = string & { readonly [carries]: T };
/** A message of type T already serialized as JSON text (the check-in body is written around its sealed document). */
export type Encoded<T> = string & { readonly [encodes]: T };
/** The same as bytes (the backlog thread writes bodies into a shared buffer). */
export type EncodedBytes<T> = Buffer & { readonly [encodes]: T };

export function encode<T>(message: T): Encoded<T> {
  return JSON.stringify(message) as Encoded<T>;
}

export interface Topics {
  readonly base: string;
  readonly checkins: Topic<TopicPayloads['checkins']>;
  readonly rejects: Topic<TopicPayloads['rejects']>;
  readonly status: Topic<TopicPayloads['status']>;
  readonly health: Topic<TopicPayloads['health']>;
  /** `B/request/+`: subscribed to, never published by a kiosk. */
  readonly requests: string;
  /** `B/request/{op}`: published by central only. */
  request<Op extends RequestOp>(op: Op): Topic<RequestPayloads[Op]>;
  response<Op extends RequestOp>(op: Op): Topic<ResponseFor<Op>>;
  /** The answer to an op this kiosk does not know (the op's name made topic-safe). */
  response(op: string): Topic<TopicPayloads['response']>;
}

/** `B = {baseTopic}/{site}/{device}`; every topic of a kiosk lives under it. */
export function topicsFor(baseTopic: string, site: string, device: string): Topics {
  const base = `${baseTopic}/${site}/${device}`;
  const topic = <T>(name: string) => `${base}/${name}` as Topic<T>;
  return {
    base,
    checkins: topic('checkins'),
    rejects: topic('rejects'),
    status: topic('status'),
    health: topic('health'),
    requests: `${base}/request/+`,
    request: (op) => topic(`request/${op}`),
    // One string either way: the overloads only say what a known op's answer carries.
    response: ((op: string) => topic(`response/${op}`)) as Topics['response'],
  };
}
