/**
 * The sd_notify protocol: READY=1 once the daemon is really ready, WATCHDOG=1 while it is healthy, STOPPING=1 on the
 * way out. Node has no unix datagram sockets, so the small native `unix-dgram` module sends them; it is loaded only
 * when systemd asked for notifications (NOTIFY_SOCKET), and its absence is logged rather than fatal.
 */
import { createRequire } from 'node:module';
import type { Logger } from '../logger.js';

interface DgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

export interface Notifier {
  ready(status: string): void;
  status(status: string): void;
  watchdog(): void;
  stopping(): void;
  close(): void;
  /** How often to ping, or null when systemd set no watchdog for this process. */
  readonly watchdogIntervalMs: number | null;
}

const silent: Notifier = {
  ready: () => undefined,
  status: () => undefined,
  watchdog: () => undefined,
  stopping: () => undefined,
  close: () => undefined,
  watchdogIntervalMs: null,
};

/** Half of WATCHDOG_USEC, as sd_watchdog_enabled(3) recommends, if the watchdog is meant for this process. */
export function watchdogInterval(env: NodeJS.ProcessEnv, pid: number = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 2000));
}

export function createNotifier(log: Logger, env: NodeJS.ProcessEnv = process.env): Notifier {
  const target = env.NOTIFY_SOCKET;
  if (target === undefined || target === '') return silent;
  let socket: DgramSocket;
  try {
    // A native addon: `require` is how it loads.
    const dgram = createRequire(import.meta.url)('unix-dgram') as { createSocket(type: 'unix_dgram'): DgramSocket };
    socket = dgram.createSocket('unix_dgram');
  } catch (err) {
    log.error(
      { err },
      'NOTIFY_SOCKET is set but the unix-dgram module cannot load: systemd will not see READY or watchdog pings (reinstall with build tools: g++, make, python3)',
    );
    return silent;
  }
  socket.on('error', (err) => log.warn({ err }, 'sd_notify failed'));
  // "@name" is a socket in the abstract namespace.
  const path = target.startsWith('@') ? `\0${target.slice(1)}` : target;
  const send = (message: string): void => {
    const buf = Buffer.from(message, 'utf8');
    try {
      socket.send(buf, 0, buf.length, path);
    } catch (err) {
      log.warn({ err }, 'sd_notify failed');
    }
  };
  return {
    ready: (status) => send(`READY=1\nSTATUS=${status}\nMAINPID=${process.pid}`),
    status: (status) => send(`STATUS=${status}`),
    watchdog: () => send('WATCHDOG=1'),
    stopping: () => send('STOPPING=1\nSTATUS=stopping'),
    close: () => socket.close(),
    watchdogIntervalMs: watchdogInterval(env),
  };
}
