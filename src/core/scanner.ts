/** The contract between a scanner driver and the check-in pipeline: frames out, state changes out, nothing else. */
import type { DriverCode } from './codes.js';

export type { DriverCode } from './codes.js';

/** One scan: the exact bytes the scanner produced for it, without the terminator. Never decoded here. */
export interface Frame {
  readonly scannerId: string;
  readonly bytes: Uint8Array;
  readonly receivedAt: Date;
  /** The AIM symbology identifier the scanner sent with the data (e.g. "]Q1" for QR), kept apart from `bytes`. */
  readonly aim?: string;
}

export type ScannerStateEvent =
  | { readonly scannerId: string; readonly state: 'connected'; readonly detail: string }
  | { readonly scannerId: string; readonly state: 'disconnected'; readonly detail: string }
  | { readonly scannerId: string; readonly state: 'error'; readonly code: DriverCode; readonly detail: string };

export type ScannerState = ScannerStateEvent['state'] | 'stopped';

export interface ScannerDriver {
  readonly id: string;
  on(event: 'frame', listener: (f: Frame) => void): this;
  on(event: 'state', listener: (s: ScannerStateEvent) => void): this;
  off(event: 'frame', listener: (f: Frame) => void): this;
  off(event: 'state', listener: (s: ScannerStateEvent) => void): this;
  /** Resolves once the first open attempt is done: connected, or reported disconnected/error and watching. */
  start(): Promise<void>;
  /** Closes the device, clears every timer and watcher. Idempotent. */
  stop(): Promise<void>;
  readonly state: ScannerState;
}
