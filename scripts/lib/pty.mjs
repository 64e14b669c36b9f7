// A real pseudo-terminal pair from socat (as test/drivers/helpers/socat-pty.ts): the daemon opens `scannerPath`,
// the script writes to `hostPath`. Killing socat removes both links: an unplugged USB-CDC scanner.
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, track } from './util.mjs';

export class PtyPair {
  proc = undefined;
  hostFd = undefined;

  constructor(dir) {
    this.scannerPath = join(dir, 'scanner');
    this.hostPath = join(dir, 'host');
  }

  async start() {
    const proc = track(spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.scannerPath}`, `pty,raw,echo=0,link=${this.hostPath}`], { stdio: ['ignore', 'ignore', 'pipe'] }));
    this.proc = proc;
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr += d.toString()));
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.scannerPath) && existsSync(this.hostPath) && stderr.includes('starting data transfer loop'))) {
      if (proc.exitCode !== null) throw new Error(`socat exited early: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`socat did not create the pty links in 5 s: ${stderr}`);
      await sleep(5);
    }
  }

  /**
   * Writes all bytes (non-blocking, retrying on EAGAIN) and returns performance.now() right after the last byte
   * went into the pty.
   */
  async write(buf) {
    this.hostFd ??= openSync(this.hostPath, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.hostFd, buf, off, Math.min(65536, buf.length - off));
      } catch (err) {
        if (err.code !== 'EAGAIN') throw err;
        await sleep(1);
      }
    }
    return performance.now();
  }

  async kill() {
    if (this.hostFd !== undefined) {
      closeSync(this.hostFd);
      this.hostFd = undefined;
    }
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}
