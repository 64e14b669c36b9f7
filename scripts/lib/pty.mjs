// A real pseudo-terminal pair from socat, for a test, a benchmark or a chaos scenario (the vitest suite imports it
// through test/helpers/pty.ts; types in pty.d.mts): the driver or daemon opens `scannerPath`, the caller writes
// to `hostPath`. kill() ends socat, which removes both links: an unplugged USB-CDC scanner; start() plugs it in again.
import { performance } from 'node:perf_hooks';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, track } from './util.mjs';

export function requireSocat() {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'socat is missing: the serial driver tests need a real pseudo-terminal pair. Run scripts/test-deps.sh (as root) or `apt-get install socat`.',
    );
  }
}

export class PtyPair {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  #proc = undefined;
  /** @type {number | undefined} */
  #hostFd = undefined;
  #ownsDir;

  /** The links go in `dir`; without one, in a new temporary folder that dispose() removes. */
  constructor(dir) {
    this.#ownsDir = dir === undefined;
    this.dir = dir ?? mkdtempSync(join(tmpdir(), 'qrgate-pty-'));
    this.scannerPath = join(this.dir, 'scanner');
    this.hostPath = join(this.dir, 'host');
  }

  async start() {
    const proc = track(
      spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.scannerPath}`, `pty,raw,echo=0,link=${this.hostPath}`], {
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    this.#proc = proc;
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d.toString()));
    const deadline = Date.now() + 5000;
    // socat logs "starting data transfer loop" once both ends exist; the links alone can precede that.
    while (!(existsSync(this.scannerPath) && existsSync(this.hostPath) && stderr.includes('starting data transfer loop'))) {
      if (proc.exitCode !== null) throw new Error(`socat exited early: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`socat did not create the pty links in 5 s: ${stderr}`);
      await sleep(5);
    }
  }

  /**
   * Writes all of `data` (text as UTF-8), yielding to the event loop whenever the pty is full: a driver reading the
   * other end may run in this same process, so a blocking write would deadlock. Returns performance.now() right
   * after the last byte went into the pty.
   */
  async write(data) {
    this.#hostFd ??= openSync(this.hostPath, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.#hostFd, buf, off, Math.min(65536, buf.length - off));
      } catch (err) {
        if (err.code !== 'EAGAIN') throw err;
        await sleep(1);
      }
    }
    return performance.now();
  }

  /** Ends socat (the links vanish: an unplugged scanner); the folder stays, and start() plugs it in again. */
  async kill() {
    if (this.#hostFd !== undefined) {
      closeSync(this.#hostFd);
      this.#hostFd = undefined;
    }
    const proc = this.#proc;
    this.#proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }

  /** kill(), and removes the folder if this pair made it. */
  async dispose() {
    await this.kill();
    if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
