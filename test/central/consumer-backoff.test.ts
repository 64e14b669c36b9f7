/**
 * The consumer's reconnect delay while its store fails (found by chaos consumers-pgrestart: with PostgreSQL down,
 * each consumer subscribed again, reset its delay, was redelivered hundreds of messages, failed them all and
 * dropped the connection, about once a second). A connection dropped because the store failed does not reset the
 * delay when the next one subscribes; the first check-in stored again does. Against a real Mosquitto; the Ingest is
 * a stand-in whose store fails on demand, as slowly as a database that refuses connections.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import { BrokerConsumer } from '../../src/central/consumer.js';
import type { Ingest } from '../../src/central/ingest.js';
import { Backoff } from '../../src/forwarder/backoff.js';
import { createLogger } from '../../src/logger.js';
import { afterThisTest } from '../helpers/after-test.js';
import { runningClock } from '../helpers/clock.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { until } from './harness.js';

/** A Backoff that records its calls, in order; short delays so that the test takes well under a second per attempt. */
class RecordingBackoff extends Backoff {
  readonly calls: Array<'next' | 'reset'> = [];
  constructor() {
    super(20, 200);
  }
  override next(): number {
    this.calls.push('next');
    return super.next();
  }
  override reset(): void {
    this.calls.push('reset');
    super.reset();
  }
}

describe('central consumer: reconnecting while the store fails', () => {
  it('keeps growing the reconnect delay while the store fails, and resets it once a check-in is stored again', async () => {
    const dir = tempDir('qrgate-consumer-backoff-');
    const b = await Mosquitto.start(dir);
    afterThisTest(() => b.down());
    const config = resolveCentralConfig(
      {
        broker: { url: b.url, clientId: 'central-a' },
        store: { path: `${dir}/unused.db`, keyFile: `${dir}/central.key` },
        log: { level: 'silent' },
      },
      {},
    ).broker;
    let storeUp = false;
    const handled: Array<'ack' | 'disconnect'> = [];
    const ingest: Pick<Ingest, 'handle'> = {
      handle: async () => {
        // A store that is down answers after a while (a refused or timed-out connection), not at once: the
        // subscription is acknowledged before the first failure, as with PostgreSQL.
        if (!storeUp) await new Promise((r) => setTimeout(r, 100));
        const decision = storeUp ? 'ack' : 'disconnect';
        handled.push(decision);
        return decision;
      },
    };
    const backoff = new RecordingBackoff();
    const consumer = new BrokerConsumer({ config, ingest, clock: runningClock(), log: createLogger('silent'), backoff });
    await consumer.start();
    afterThisTest(() => consumer.stop());
    expect(backoff.calls).toEqual(['reset']);
    const kiosk = await mqtt.connectAsync(b.url, { protocolVersion: 5, clientId: 'kiosk-1', reconnectPeriod: 0 });
    afterThisTest(() => kiosk.endAsync(true));
    // Check-ins keep coming, and the store refuses every one.
    const publishing = setInterval(() => void kiosk.publishAsync('qrgate/hq/kiosk-1/checkins', '{}', { qos: 1 }), 20);
    afterThisTest(() => clearInterval(publishing));
    await until(() => backoff.calls.filter((c) => c === 'next').length >= 5, 'five reconnects', 30_000);
    const failing = backoff.calls.slice(1);
    expect(failing).not.toContain('reset');
    expect(handled).not.toContain('ack');
    storeUp = true;
    await until(() => handled.includes('ack'), 'a check-in stored', 20_000);
    await until(() => backoff.calls.at(-1) === 'reset', 'the delay reset after the store came back', 5000);
    await until(() => consumer.status().ok, 'subscribed', 5000);
  }, 60_000);
});
