/**
 * The store's side of its reader thread (writer-thread.ts started in reader mode): the fleet's day counts, which
 * read a whole day of rows, answered on another thread so that the one running the embedded broker never waits on
 * them. A thread that fails fails the questions it held and is not restarted: the store then reads on its own thread.
 */
import { Worker } from 'node:worker_threads';
import type { DayCounts } from './store-types.js';
import type { DayRequest, FromReaderThread, WriterThreadData } from './writer-protocol.js';

interface Waiter {
  readonly resolve: (result: unknown) => void;
  readonly reject: (err: Error) => void;
}

export class SqliteReader {
  private n = 0;
  private readonly waiting = new Map<number, Waiter>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromReaderThread) => {
      if ('ready' in m) return;
      const w = this.waiting.get(m.n);
      this.waiting.delete(m.n);
      if ('error' in m) w?.reject(Object.assign(new Error(m.error.message), { code: m.error.code ?? undefined }));
      else w?.resolve(m.result);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the reader thread exited (${code})`)));
  }

  /** Starts the thread on `path` (created by the store) and waits until it has opened it. */
  static start(entry: URL, path: string): Promise<SqliteReader> {
    const worker = new Worker(entry, { workerData: { path, key: null, mode: 'reader' } satisfies WriterThreadData });
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => reject(err);
      worker.once('error', failed);
      worker.once('message', () => {
        worker.off('error', failed);
        resolve(new SqliteReader(worker));
      });
    });
  }

  get alive(): boolean {
    return this.failure === null;
  }

  kioskCountsSince(fromMs: number): Promise<Map<string, DayCounts>> {
    return this.ask('kioskCountsSince', fromMs) as Promise<Map<string, DayCounts>>;
  }

  personsSince(fromMs: number): Promise<Map<string, number>> {
    return this.ask('personsSince', fromMs) as Promise<Map<string, number>>;
  }

  private ask(query: DayRequest['query'], fromMs: number): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      this.waiting.set(n, { resolve, reject });
      this.worker.postMessage({ n, query, fromMs } satisfies DayRequest);
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('the reader thread is closed'));
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
