/**
 * What central's composition root needs of its MQTT side, whichever it is: the embedded broker the kiosks connect to
 * (broker.ts), or a consumer of an external broker (consumer.ts, with broker.url). Both hand every kiosk message to
 * the Ingest and acknowledge it only once the Ingest said so; both carry central's requests to a kiosk.
 */
import { encode, topicsFor, type RequestOp, type RequestPayloads } from '../forwarder/contract.js';
import type { Logger } from '../logger.js';
import type { KioskId } from './store-types.js';

export interface BrokerSide {
  /** Listens (embedded) or connects (consumer); resolves with the broker's URL, without credentials. */
  start(): Promise<string>;
  /** Stops taking messages: nothing is acknowledged after it resolves. */
  stop(): Promise<void>;
  /** Publishes `body` to the kiosk's `B/request/{op}` (QoS 1); its answer comes back through the Ingest. */
  request<Op extends RequestOp>(k: KioskId, op: Op, body: RequestPayloads[Op]): void;
  /** MQTT connections: the kiosks' (embedded), or this consumer's own, 1 or 0. */
  readonly connectedClients: number;
  /** For /health: whether the MQTT side works, and a short detail. */
  status(): { readonly ok: boolean; readonly detail: string };
}

/** How a broker side puts bytes on a topic at QoS 1; `done` hears of a failure. */
export type SendRequest = (topic: string, payload: Buffer, done: (err?: Error | null) => void) => void;

/**
 * Central's one way to send a kiosk a request: the contract's `B/request/{op}` topic with the op's typed body, so
 * the embedded broker and the consumer cannot disagree on either.
 */
export function publishRequest<Op extends RequestOp>(
  side: { readonly config: { readonly baseTopic: string }; readonly log: Logger },
  k: KioskId,
  op: Op,
  body: RequestPayloads[Op],
  send: SendRequest,
): void {
  send(topicsFor(side.config.baseTopic, k.site, k.device).request(op), Buffer.from(encode(body)), (err) => {
    if (err) side.log.warn({ err: err.message, op }, 'could not publish a kiosk request');
  });
}
