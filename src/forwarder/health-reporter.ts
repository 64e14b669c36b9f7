/** The retained health report on `B/health`: published on connecting, then every minute while connected. */
import type { Clock, Timer } from '../core/clock.js';
import { publishMessage, type MqttClient } from './connection.js';
import type { HealthMessage, Topics } from './contract.js';

const HEALTH_EVERY_MS = 60_000;

export interface HealthReporterDeps {
  readonly clock: Clock;
  readonly topics: Topics;
  /** Everything of the report but the MQTT part, from the composition root. */
  readonly health: () => Omit<HealthMessage, 'mqtt'>;
  /** The MQTT part, from the broker link. */
  readonly mqtt: () => HealthMessage['mqtt'];
}

export class HealthReporter {
  private timer: Timer | undefined;

  constructor(private readonly deps: HealthReporterDeps) {}

  message(): HealthMessage {
    return { ...this.deps.health(), mqtt: this.deps.mqtt() };
  }

  /** Publishes now and every minute on this client, until `stop()`. */
  start(client: MqttClient): void {
    const publish = (): void => {
      publishMessage(client, this.deps.topics.health, this.message(), { qos: 1, retain: true });
    };
    publish();
    this.stop();
    this.timer = this.deps.clock.setInterval(publish, HEALTH_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    this.deps.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}
