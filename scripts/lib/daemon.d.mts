// Types of daemon.mjs, for the TypeScript test suite (test/helpers/daemon.ts re-exports it).

/** One JSON log line of the daemon (or `{ msg: '(not JSON) …' }`), with `at`: performance.now() of its arrival. */
// A parsed JSON log line: its fields are whatever the daemon logged, read by name (seq, level, code) in the scenarios.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LogLine = Record<string, any> & { msg?: string; at: number };

export interface DaemonExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the process ended. */
  readonly at: number;
}

export interface DaemonOptions {
  /** Added to this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  /** Node options after the service's own, before the script, e.g. ['--cpu-prof']. */
  readonly nodeArgs?: readonly string[];
  /** Runs this script and arguments instead of `bin/qrgate.js run --config FILE`. */
  readonly argvOverride?: readonly string[];
}

/** The node options of systemd/qrgate.service's ExecStart; every Daemon is started with them first. */
export declare const SERVICE_NODE_OPTIONS: readonly string[];

/** The environment of systemd/qrgate.service's Environment= lines; every Daemon is started with it. */
export declare const SERVICE_ENV: Readonly<Record<string, string>>;

export class Daemon {
  readonly lines: LogLine[];
  stderr: string;
  /** performance.now() when the process was spawned. */
  readonly spawnedAt: number;
  readonly exited: Promise<DaemonExit>;
  constructor(configFile: string, options?: DaemonOptions);
  /** The process id, or -1 if spawning failed. */
  readonly pid: number;
  readonly alive: boolean;
  /** Sends `signal` if the daemon still runs; await `exited` for it to end. */
  kill(signal: NodeJS.Signals): void;
  /** SIGKILL and wait: for finally blocks and afterEach. */
  dispose(): Promise<void>;
  messages(msg: string): LogLine[];
  /** Waits until `count` lines with this msg arrived; throws at once if the daemon ends first. */
  waitFor(msg: string, timeoutMs?: number, count?: number): Promise<LogLine[]>;
}

/** The kiosk writeConfig describes unless `over` names another. */
export const DEVICE: { readonly id: string; readonly site: string };

/** The check-in topic filter of that kiosk. */
export const CHECKINS: string;

/**
 * Writes `dir`/config.yaml for a daemon whose state lives in `dir`: DEVICE, store files in `dir`, clock synced, the
 * status page on a free port, info logs, no broker. `over` replaces whole top-level sections. Returns the file.
 */
export function writeConfig(dir: string, over?: Record<string, unknown>): string;
