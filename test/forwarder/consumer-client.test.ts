/**
 * The consumer's MQTT client (openConsumerClient) against a real Mosquitto: however late the consumer acknowledges,
 * it never has more messages in hand than the Receive Maximum it announced. Mosquitto 2.0.11 sends past that limit
 * once PUBACKs come late; the client then stops reading until one settles.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { isDeferredAck, openConsumerClient } from '../../src/forwarder/connection.js';
import { afterThisTest } from '../helpers/after-test.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

describe('the consumer client', () => {
  it('never holds more unacknowledged messages than its Receive Maximum, however late it acknowledges', async () => {
    const broker = await Mosquitto.start(tempDir('qrgate-consumer-client-'));
    afterThisTest(() => broker.down());
    const total = 300;
    let inHand = 0;
    let most = 0;
    const seen = new Set<string>();
    const consumer = openConsumerClient(
      broker.url,
      {
        clientId: 'consumer-1',
        protocolVersion: 5,
        clean: false,
        reconnectPeriod: 0,
        log: () => undefined,
        properties: { sessionExpiryInterval: 60, receiveMaximum: 5 },
      },
      async (_topic, payload) => {
        inHand += 1;
        most = Math.max(most, inHand);
        // A commit that takes its time: the acknowledgement comes 20 ms after the message.
        await new Promise((r) => setTimeout(r, 20));
        inHand -= 1;
        seen.add(payload.toString());
        return true;
      },
    );
    const errors: unknown[] = [];
    consumer.on('error', (err) => {
      if (!isDeferredAck(err)) errors.push(err);
    });
    afterThisTest(() => consumer.endAsync(true));
    await new Promise<void>((resolve) => consumer.once('connect', () => resolve()));
    await consumer.subscribeAsync('t/#', { qos: 1 });

    const publisher = await mqtt.connectAsync(broker.url, { clientId: 'publisher', protocolVersion: 5, log: () => undefined });
    afterThisTest(() => publisher.endAsync());
    await Promise.all(Array.from({ length: total }, (_, i) => publisher.publishAsync('t/x', String(i), { qos: 1 })));

    await expect.poll(() => seen.size, { timeout: 30_000 }).toBe(total);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(5);
    expect(errors).toEqual([]);
  });
});
