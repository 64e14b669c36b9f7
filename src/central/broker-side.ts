/**
 * What central's composition root needs of its MQTT side, whichever it is: the embedded broker the kiosks connect to
 * (broker.ts), or a consumer of an external broker (consumer.ts, with broker.url). Both hand every kiosk message to
 * the Ingest and acknowledge it only once the Ingest said so; both carry central's requests to a kiosk.
 */
import type { KioskId } from './store-types.js';

export interface BrokerSide {
  /** Listens (embedded) or connects (consumer); resolves with the broker's URL, without credentials. */
  start(): Promise<string>;
  /** Stops taking messages: nothing is acknowledged after it resolves. */
  stop(): Promise<void>;
  /** Publishes `body` to the kiosk's `B/request/{op}` (QoS 1); its answer comes back through the Ingest. */
  request(k: KioskId, op: string, body: object): void;
  /** MQTT connections: the kiosks' (embedded), or this consumer's own, 1 or 0. */
  readonly connectedClients: number;
  /** For /health: whether the MQTT side works, and a short detail. */
  status(): { readonly ok: boolean; readonly detail: string };
}
