/**
 * One worker thread of central's SQLite store (writer-thread.ts, as writer or reader) seen from the main thread:
 * numbered requests, each answered once by a reply carrying its number, or by `error`. A thread that fails fails the
 * requests it held and takes no more (the store then works on its own thread); it is not restarted.
 */
import { Worker } from 'node:worker_threads';

/** What a thread answers: its `ready` once opened, then one reply per request, by number. */
export type ThreadReply =
  { readonly ready: true } | { readonly n: number; readonly error?: { readonly code: string | null; readonly message: string } };

interface Waiter {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (err: Error) => void;
}

export class ThreadLink {
  private n = 0;
  private readonly waiting = new Map<number, Waiter>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly what: string,
  ) {
    worker.on('message', (m: ThreadReply) => {
      if ('ready' in m) return;
      const w = this.waiting.get(m.n);
      this.waiting.delete(m.n);
      if (m.error !== undefined) w?.reject(Object.assign(new Error(m.error.message), { code: m.error.code ?? undefined }));
      else w?.resolve(m);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the ${what} exited (${code})`)));
  }

  /** Starts the thread at `entry` with `data` and waits for its `ready` (it has opened the database). */
  static start(entry: URL, data: unknown, what: string): Promise<ThreadLink> {
    const worker = new Worker(entry, { workerData: data });
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => reject(err);
      worker.once('error', failed);
      worker.once('message', () => {
        worker.off('error', failed);
        resolve(new ThreadLink(worker, what));
      });
    });
  }

  /** Whether the thread still takes requests. */
  get alive(): boolean {
    return this.failure === null;
  }

  /** Sends `build(n)` and resolves with the thread's reply to it (rejects with its error). */
  request<R>(build: (n: number) => unknown): Promise<R> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      this.waiting.set(n, { resolve: resolve as (reply: unknown) => void, reject });
      this.worker.postMessage(build(n));
    });
  }

  /** Stops the thread; with `drain`, only once every request handed over has its answer. */
  async close({ drain }: { drain: boolean }): Promise<void> {
    while (drain && this.waiting.size > 0 && this.failure === null) await new Promise((r) => setImmediate(r));
    this.fail(new Error(`the ${this.what} is closed`));
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
