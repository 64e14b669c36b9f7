// Types of broker.mjs, for the TypeScript test suite (test/helpers/mosquitto.ts re-exports it).
import type { ChildProcess } from 'node:child_process';
import type { MqttClient } from 'mqtt';

export function requireMosquitto(): void;
export function freePort(): Promise<number>;

export interface BrokerOptions {
  /** Keep sessions and retained messages across down('SIGTERM')/up(). Default true. */
  readonly persistence?: boolean;
  /** Extra mosquitto.conf lines for the listener (TLS, authentication). */
  readonly listenerLines?: readonly string[];
  /**
   * 'unlimited' (default): max_inflight_messages 0 and max_queued_messages 0, nothing dropped per session;
   * 'mosquitto': the broker's own defaults (20 in flight, 1,000 queued per session, the rest dropped).
   */
  readonly queueLimits?: 'unlimited' | 'mosquitto';
}

export class Mosquitto {
  readonly port: number;
  readonly url: string;
  log: string;
  readonly running: boolean;
  /** The mosquitto process since the last up() (undefined before the first). */
  readonly proc: ChildProcess | undefined;
  /** A broker on `port` keeping its files in `dir` (not started: see `up`). */
  constructor(port: number, dir: string, options?: BrokerOptions, scheme?: string);
  static start(dir: string, options?: BrokerOptions, scheme?: string): Promise<Mosquitto>;
  up(): Promise<void>;
  /** SIGTERM saves the persistence file (a clean restart); SIGKILL does not. */
  down(signal?: NodeJS.Signals): Promise<void>;
  /** Forget every session and retained message, as a broker restored from nothing would. */
  wipe(): void;
}

export interface Delivery {
  readonly id: string;
  readonly seq: number;
  readonly at: number;
}

export class Consumer {
  readonly client: MqttClient;
  readonly received: Delivery[];
  static connect(url: string, filter: string, options?: { qos?: 0 | 1 | 2; clientId?: string }): Promise<Consumer>;
  until(cond: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
