/**
 * The byte source under the serial driver: a thin wrapper over serialport so the driver sees only "bytes", "ended"
 * and "close". Tests inject their own opener to run hundreds of unplug cycles without hardware.
 */
import { SerialPort } from 'serialport';

export interface ByteSource {
  onData(listener: (chunk: Uint8Array) => void): void;
  /** Called once when the port stops delivering (unplug, read error); not called for our own close(). */
  onEnd(listener: (err?: unknown) => void): void;
  close(): Promise<void>;
}

export type PortOpener = (path: string, baudRate: number) => Promise<ByteSource>;

export const openSerialPort: PortOpener = (path, baudRate) =>
  new Promise((resolve, reject) => {
    // hupcl false: dropping DTR on close resets some scanners' USB-serial bridges.
    const port = new SerialPort({ path, baudRate, autoOpen: false, lock: true, hupcl: false });
    port.open((err) => {
      if (err) {
        port.removeAllListeners();
        reject(err);
        return;
      }
      resolve(wrapPort(port));
    });
  });

function wrapPort(port: SerialPort): ByteSource {
  let closing = false;
  let ended = false;
  let endListener: ((err?: unknown) => void) | undefined;
  const end = (err?: unknown): void => {
    if (ended || closing) return;
    ended = true;
    endListener?.(err);
  };
  port.on('close', (err: unknown) => end(err ?? undefined));
  port.on('error', (err: unknown) => end(err));
  return {
    onData(listener) {
      port.on('data', (chunk: Buffer) => listener(chunk));
    },
    onEnd(listener) {
      endListener = listener;
    },
    close() {
      closing = true;
      port.removeAllListeners('data');
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
    },
  };
}
