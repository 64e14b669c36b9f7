/**
 * The forwarder's last words on a connection: wait (briefly) for the PUBACKs of what is in flight, so a restart
 * does not send those rows again, then say "offline" and disconnect cleanly.
 */
import { sleep, type Clock, type Timer } from '../core/clock.js';
import { publishMessageAsync, type MqttClient } from './connection.js';
import type { Topics } from './contract.js';
import type { OutboxPump } from './outbox-pump.js';

const STOP_PUBLISH_MS = 1000;

/** While connected: holds the pump and waits up to a second for its in-flight messages to be acknowledged. */
export async function settleInFlight(client: MqttClient | null, pump: OutboxPump, clock: Clock): Promise<void> {
  if (client?.connected !== true) return;
  pump.pause();
  const deadline = clock.now().getTime() + STOP_PUBLISH_MS;
  while (pump.inFlight > 0 && client.connected && clock.now().getTime() < deadline) await sleep(clock, 5);
}

/** Publishes the retained "offline" (a graceful stop sends it itself: the will is only for an unexpected loss), ends. */
export async function closeClient(client: MqttClient, topics: Topics, clock: Clock): Promise<void> {
  if (client.connected) {
    await withTimeout(clock, publishMessageAsync(client, topics.status, { state: 'offline' }, { qos: 1, retain: true }), STOP_PUBLISH_MS);
    await withTimeout(clock, client.endAsync(false), STOP_PUBLISH_MS);
  }
  client.removeAllListeners();
  client.end(true);
}

async function withTimeout(clock: Clock, p: Promise<unknown>, ms: number): Promise<void> {
  let timer: Timer | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((r) => (timer = clock.setTimeout(r, ms)))]);
  clock.clearTimeout(timer);
}
