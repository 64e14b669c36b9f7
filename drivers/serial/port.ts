/**
 * The byte source under the serial driver: a thin wrapper over serialport so the driver sees only "bytes", "ended"
 * and "close". Tests inject their own opener to run hundreds of unplug cycles without hardware.
 *
 * serialport opens and configures the port in both modes: it holds the descriptor with the exclusive lock
 * (`flock`), sets the line (baud rate, raw mode, 8N1, `hupcl` off) and closes it. What differs is who reads:
 * - "event-loop" (the default): a second descriptor on the same tty, read by a `tty.ReadStream`, i.e. by libuv's
 *   event loop (epoll, then `read` on the main thread). serialport's own reader is never started.
 * - "serialport": serialport's reader, which waits for the descriptor in its native poller and then reads it with
 *   `fs.read` in libuv's thread pool: three wake-ups per scan instead of one.
 * Why a second descriptor rather than serialport's: libuv reopens a tty it is given and `dup2`s the new one over
 * the number (it wants O_NONBLOCK without touching other users of the same open file), which would drop
 * serialport's open file, and with it the lock, and both owners would then close the same number. The line
 * settings belong to the tty, not to a descriptor, so the second one reads exactly what serialport configured.
 */
import { close, constants, open } from 'node:fs';
import tty from 'node:tty';
import { SerialPort } from 'serialport';

export interface ByteSource {
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once when the port stops delivering (unplug, read error); not called for our own close(). */
  onEnd(listener: (err?: unknown) => void): void;
  close(): Promise<void>;
}

/** Who reads the open port; see the file's header. */
export type SerialReader = 'event-loop' | 'serialport';

export interface PortOptions {
  readonly reader?: SerialReader;
}

export type PortOpener = (path: string, baudRate: number, options?: PortOptions) => Promise<ByteSource>;

export const openSerialPort: PortOpener = async (path, baudRate, options = {}) => {
  const port = await new Promise<SerialPort>((resolve, reject) => {
    // hupcl false: dropping DTR on close resets some scanners' USB-serial bridges.
    const p = new SerialPort({ path, baudRate, autoOpen: false, lock: true, hupcl: false });
    p.open((err) => {
      if (err) {
        p.removeAllListeners();
        reject(err);
        return;
      }
      resolve(p);
    });
  });
  if ((options.reader ?? 'event-loop') === 'serialport') return wrapPort(port);
  let reader: tty.ReadStream;
  try {
    reader = await openReader(path);
  } catch (err) {
    await closePort(port);
    throw err;
  }
  return wrapEventLoop(port, reader);
};

function openReader(path: string): Promise<tty.ReadStream> {
  return new Promise((resolve, reject) => {
    // O_NONBLOCK: never wait for carrier (CLOCAL off on some cables); O_NOCTTY: never become our controlling tty.
    open(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK, (err, fd) => {
      if (err) {
        reject(err);
        return;
      }
      let stream: tty.ReadStream;
      try {
        stream = new tty.ReadStream(fd);
      } catch (e) {
        close(fd, () => reject(e instanceof Error ? e : new Error(String(e))));
        return;
      }
      // libuv reopens a tty it is given (by its name, to set O_NONBLOCK on an open file of its own), dup2s the new
      // descriptor over `fd` and reads the new one, which it closes when the stream is destroyed; `fd` is then left
      // to us. If it could not reopen, it reads `fd` itself and closes it.
      const used = (stream as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (used !== undefined && used >= 0 && used !== fd) close(fd, () => undefined);
      resolve(stream);
    });
  });
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      port.removeAllListeners();
      // serialport may still emit 'error' after a failed close; an 'error' with no listener would throw.
      port.on('error', () => undefined);
      resolve();
    };
    if (!port.isOpen) {
      done();
      return;
    }
    port.close(() => done());
  });
}

/**
 * The session's end, told once: the first of several signals (error, end of file, close) ends it, and none after our
 * own close().
 */
class EndLatch {
  private done = false;
  private listener: ((err?: unknown) => void) | undefined;

  onEnd(listener: (err?: unknown) => void): void {
    this.listener = listener;
  }

  end(err?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.listener?.(err);
  }

  /** Our own close: nothing it causes is an end to report. */
  closing(): void {
    this.done = true;
  }
}

function wrapPort(port: SerialPort): ByteSource {
  const latch = new EndLatch();
  port.on('close', (err: unknown) => latch.end(err ?? undefined));
  port.on('error', (err: unknown) => latch.end(err));
  return {
    onData(listener) {
      port.on('data', (chunk: Buffer) => listener(chunk));
    },
    onEnd(listener) {
      latch.onEnd(listener);
    },
    close() {
      latch.closing();
      port.removeAllListeners('data');
      return closePort(port);
    },
  };
}

/**
 * An unplugged USB tty is hung up: its reads return 0 (end of file); a pty whose other end went away, or a failing
 * line, fails the read (EIO). Either ends the session, as serialport's disconnect does.
 */
function wrapEventLoop(port: SerialPort, reader: tty.ReadStream): ByteSource {
  const latch = new EndLatch();
  reader.on('error', (err: unknown) => latch.end(err));
  reader.on('end', () => latch.end(new Error('the line hung up (end of file)')));
  port.on('close', (err: unknown) => latch.end(err ?? new Error('serialport closed the port')));
  port.on('error', (err: unknown) => latch.end(err));
  return {
    onData(listener) {
      reader.on('data', (chunk: Buffer) => listener(chunk));
    },
    onEnd(listener) {
      latch.onEnd(listener);
    },
    async close() {
      latch.closing();
      reader.removeAllListeners('data');
      await new Promise<void>((resolve) => {
        if (reader.closed) {
          resolve();
          return;
        }
        reader.once('close', () => resolve());
        reader.destroy();
      });
      reader.removeAllListeners();
      reader.on('error', () => undefined);
      await closePort(port);
    },
  };
}
