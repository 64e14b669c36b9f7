/** A central consumer: subscribes to a kiosk's topics and keeps every message it receives, parsed. */
import mqtt, { type MqttClient } from 'mqtt';
import { until } from './until.js';

export interface Received {
  readonly topic: string;
  readonly body: Record<string, unknown>;
  readonly retain: boolean;
  readonly correlationData?: Buffer | undefined;
}

export class Subscriber {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {}

  static async connect(url: string, filter: string, options: mqtt.IClientOptions = {}): Promise<Subscriber> {
    // The listener goes on before the connection: a persistent session's queued messages come right behind the
    // CONNACK, and one emitted before anyone listened would be acknowledged and lost to the test (seen under load:
    // the kiosk's check-in, queued while this subscriber was reconnecting, never counted).
    const client = mqtt.connect(url, { protocolVersion: 5, reconnectPeriod: 200, ...options });
    const sub = new Subscriber(client);
    const connected = new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    client.on('message', (topic, payload, packet) => {
      sub.messages.push({
        topic,
        body: JSON.parse(payload.toString('utf8')) as Record<string, unknown>,
        retain: packet.retain,
        correlationData: packet.properties?.correlationData,
      });
    });
    try {
      await connected;
    } catch (err) {
      client.end(true);
      throw err;
    }
    await client.subscribeAsync(filter, { qos: 1 });
    return sub;
  }

  on(topicSuffix: string): Received[] {
    return this.messages.filter((m) => m.topic.endsWith(topicSuffix));
  }

  async until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await until(cond, what, timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}; got ${this.messages.length} messages`);
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}
