/**
 * Non-blocking reads of an evdev node. A blocking read would park a libuv thread-pool thread until the next key
 * press, and stop() could not finish until someone scanned; with O_NONBLOCK an empty device answers EAGAIN at once
 * and the reader polls every few milliseconds instead.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { errnoOf } from '../io-errors.js';

export interface EvdevHandle {
  /** Bytes read, or 0 when nothing is waiting. Rejects when the device is gone (ENODEV) or unreadable. */
  read(buffer: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

export type EvdevOpener = (path: string) => Promise<EvdevHandle>;

export const openEvdev: EvdevOpener = async (path) => {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  return {
    async read(buffer) {
      try {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        return bytesRead;
      } catch (err) {
        if (errnoOf(err) === 'EAGAIN') return 0;
        throw err;
      }
    },
    close: () => handle.close(),
  };
};
