/**
 * A real pseudo-terminal pair from socat: the driver opens `scanner`, the test writes to `host`. Killing socat
 * removes both links, which is what an unplugged USB-CDC scanner looks like to the driver.
 */
import { afterEach, beforeAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error('socat is missing: the serial driver tests need a real pseudo-terminal pair. Run scripts/test-deps.sh (as root) or `apt-get install socat`.');
  }
}

export class PtyPair {
  readonly dir = mkdtempSync(join(tmpdir(), 'qrgate-pty-'));
  readonly scannerPath = join(this.dir, 'scanner');
  readonly hostPath = join(this.dir, 'host');
  #proc: ChildProcess | undefined;
  #hostFd: number | undefined;

  async start(): Promise<void> {
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.scannerPath}`, `pty,raw,echo=0,link=${this.hostPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#proc = proc;
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const deadline = Date.now() + 5000;
    // socat logs "starting data transfer loop" once both ends exist; the links alone can precede that.
    while (!(existsSync(this.scannerPath) && existsSync(this.hostPath) && stderr.includes('starting data transfer loop'))) {
      if (proc.exitCode !== null) throw new Error(`socat exited early: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`socat did not create the pty links in 5 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Writes everything, yielding to the event loop whenever the pty is full: the driver reading the other end runs
   * in this same process, so a blocking write would deadlock.
   */
  async write(data: Uint8Array | string): Promise<void> {
    this.#hostFd ??= openSync(this.hostPath, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.#hostFd, buf, off, Math.min(65536, buf.length - off));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }

  async kill(): Promise<void> {
    if (this.#hostFd !== undefined) {
      closeSync(this.#hostFd);
      this.#hostFd = undefined;
    }
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }

  /** Same as dispose(): ends socat and removes the folder (for callers that think of it as stopping). */
  async stop(): Promise<void> {
    await this.dispose();
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * For a test file that needs pty pairs: checks socat once, and ends every pair after each test. Returns the
 * function that starts a new pair.
 */
export function ptyFixture(): () => Promise<PtyPair> {
  const pairs: PtyPair[] = [];
  beforeAll(() => requireSocat());
  afterEach(async () => {
    await Promise.all(pairs.splice(0).map((p) => p.dispose()));
  });
  return async () => {
    const pair = new PtyPair();
    pairs.push(pair);
    await pair.start();
    return pair;
  };
}
