// Types of pty.mjs, for the TypeScript test suite (test/helpers/pty.ts re-exports it).

/** Throws, naming the fix, when socat is not installed. */
export function requireSocat(): void;

export class PtyPair {
  /** The folder holding both links. */
  readonly dir: string;
  /** The end a driver or daemon opens, as a scanner's device node. */
  readonly scannerPath: string;
  /** The end the caller writes scans to. */
  readonly hostPath: string;
  /** The links go in `dir`; without one, in a new temporary folder that dispose() removes. */
  constructor(dir?: string);
  start(): Promise<void>;
  /** Writes all of `data` (text as UTF-8) without blocking; resolves with performance.now() after the last byte. */
  write(data: Uint8Array | string): Promise<number>;
  /** Ends socat (the links vanish: an unplugged scanner); the folder stays, and start() plugs it in again. */
  kill(): Promise<void>;
  /** kill(), and removes the folder if this pair made it. */
  dispose(): Promise<void>;
}
