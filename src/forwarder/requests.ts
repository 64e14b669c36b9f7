/**
 * Request/response over MQTT: `B/request/{op}` is answered on `B/response/{op}` with the request's correlation data
 * (MQTT 5) and its `tid`. Ops: ping, health, config, and resend (republish a seq range of stored check-ins).
 */
import type { Clock } from '../core/clock.js';
import { MQTT_CODES } from '../core/codes.js';
import type { TimeZone } from '../core/zone.js';
import type { Logger } from '../logger.js';
import type { OutboxStore } from '../store/outbox.js';
import type { OutboxCheckin } from '../store/types.js';
import { publishEncoded, publishMessage, type IPublishPacket, type MqttClient } from './connection.js';
import type { HealthMessage, RequestOp, ResendResult, ResponseData, ResponseFor, ResponseMessage, Topics } from './contract.js';
import type { CheckinBody } from './messages.js';
import { readResend, resendRange } from './resend.js';

export interface RequestDeps {
  readonly topics: Topics;
  readonly clock: Clock;
  readonly zone: TimeZone;
  readonly version: string;
  readonly log: Logger;
  readonly store: Pick<OutboxStore, 'checkinsInRange'>;
  readonly health: () => HealthMessage;
  /** The configuration with secrets removed, for the `config` request. */
  readonly redactedConfig: () => unknown;
  /** A stored check-in as the `B/checkins` body. */
  readonly body: (row: OutboxCheckin) => CheckinBody;
  /** A check-in whose sealed document does not open (the store's set-aside policy). */
  readonly setAside: (seq: number) => void;
}

type PublishOptions = Parameters<typeof publishMessage>[3];

export class RequestResponder {
  constructor(private readonly deps: RequestDeps) {}

  /** Answers a message on `B/request/+`; anything else is ignored. */
  handle(client: MqttClient, topic: string, payload: Buffer, packet: IPublishPacket): void {
    const { topics } = this.deps;
    const prefix = `${topics.base}/request/`;
    if (!topic.startsWith(prefix)) return;
    const op = topic.slice(prefix.length);
    const { tid, body } = parseRequest(payload);
    const correlationData = packet.properties?.correlationData;
    const options = { qos: 1 as const, ...(correlationData === undefined ? {} : { properties: { correlationData } }) };
    const tidField = tid === undefined ? {} : { tid };
    if (!this.isOp(op)) {
      const message = `${MQTT_CODES.E_UNKNOWN_OP.en} Known: ${Object.keys(this.handlers).join(', ')}.`;
      const response: ResponseMessage = { ok: false, op, ...tidField, error: { code: 'E_UNKNOWN_OP', message } };
      publishMessage(client, topics.response(op.replace(/[#+/]/g, '_')), response, options);
      return;
    }
    this.respond(client, op, body, tidField, options);
  }

  private respond<Op extends RequestOp>(
    client: MqttClient,
    op: Op,
    body: unknown,
    tidField: { tid?: string },
    options: PublishOptions,
  ): void {
    publishMessage(client, this.deps.topics.response(op), this.answer(client, op, body, tidField), options);
  }

  /**
   * One handler per op of the contract (a missing op does not compile), giving that op's `data`. The body is the
   * request's JSON, not yet checked: a handler that needs fields checks them (`resend`).
   */
  private readonly handlers: { readonly [Op in RequestOp]: (client: MqttClient, body: unknown) => ResponseData[Op] } = {
    ping: () => ({ pong: true, at: this.deps.zone.iso(this.deps.clock.now()), version: this.deps.version }),
    health: () => this.deps.health(),
    config: () => this.deps.redactedConfig(),
    resend: (client, body) => this.resend(client, body),
  };

  private isOp(op: string): op is RequestOp {
    return Object.hasOwn(this.handlers, op);
  }

  private answer<Op extends RequestOp>(client: MqttClient, op: Op, body: unknown, tidField: { tid?: string }): ResponseFor<Op> {
    try {
      return { ok: true, op, ...tidField, data: this.handlers[op](client, body) };
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      return { ok: false, op, ...tidField, error: { code: err.code, message: err.message } };
    }
  }

  /**
   * `resend {from, to}`: republishes the stored check-ins of that seq range (delivered or not) on B/checkins with
   * their id, seq and body unchanged, and answers with what was sent and what this kiosk no longer has.
   */
  private resend(client: MqttClient, body: unknown): ResendResult {
    const range = resendRange(body);
    if (range === null) throw new RequestError('E_BAD_REQUEST', MQTT_CODES.E_BAD_REQUEST.en);
    const { result, rows } = readResend(this.deps.store, range.from, range.to);
    for (const row of rows) publishEncoded(client, this.deps.topics.checkins, this.deps.body(row), { qos: 1 });
    for (const seq of result.unreadable) this.deps.setAside(seq);
    this.deps.log.info(
      { from: range.from, to: range.to, sent: result.sent, missing: result.missing.length, unreadable: result.unreadable.length },
      'resend requested by central',
    );
    return result;
  }
}

/** The request's JSON body and its `tid`; a request without a JSON body is still answered, it just has no tid. */
function parseRequest(payload: Buffer): { tid: string | undefined; body: unknown } {
  try {
    const body = payload.length === 0 ? {} : (JSON.parse(payload.toString('utf8')) as unknown);
    const tid = (body as { tid?: unknown } | null)?.tid;
    return { tid: typeof tid === 'string' ? tid : undefined, body };
  } catch {
    return { tid: undefined, body: {} };
  }
}

class RequestError extends Error {
  constructor(
    readonly code: 'E_BAD_REQUEST',
    message: string,
  ) {
    super(message);
  }
}
