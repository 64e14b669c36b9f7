/**
 * The ingest's side of the SQLite writer thread (writer-thread.ts): hands each batch over and resolves with the
 * thread's answer after its commit. A thread that fails fails the batches it held (their kiosks were not
 * acknowledged and send them again) and is not restarted: the store then inserts on its own thread.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { CheckinDraft, CheckinRow } from './store-types.js';
import type { FromWriterThread, InsertRequest, WriterThreadData } from './writer-protocol.js';

/**
 * The thread's entry next to this module: central-writer.cjs beside the bundle (dist/qrgate.cjs), or
 * writer-thread.js beside the compiled module. Run from TypeScript sources (tests), there is none.
 */
export function writerThreadEntry(): URL | null {
  for (const name of ['./central-writer.cjs', './writer-thread.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(url)) return url;
  }
  return null;
}

interface Waiter {
  readonly resolve: (inserted: boolean[]) => void;
  readonly reject: (err: Error) => void;
}

export class SqliteWriter {
  private n = 0;
  private readonly waiting = new Map<number, Waiter>();
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    /** Whether the thread holds the key, so that it can take drafts (insertDrafts). */
    readonly seals: boolean,
  ) {
    worker.on('message', (m: FromWriterThread) => {
      if ('ready' in m) return;
      const w = this.waiting.get(m.n);
      this.waiting.delete(m.n);
      if ('error' in m) w?.reject(Object.assign(new Error(m.error.message), { code: m.error.code ?? undefined }));
      else w?.resolve(m.inserted);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the writer thread exited (${code})`)));
  }

  /**
   * Starts the thread on `path` (already created by the store) and waits until it has opened it. With `key` (the
   * store's master key) it seals the drafts it is given itself.
   */
  static start(entry: URL, path: string, key: Buffer | null = null): Promise<SqliteWriter> {
    const worker = new Worker(entry, { workerData: { path, key } satisfies WriterThreadData });
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => reject(err);
      worker.once('error', failed);
      worker.once('message', () => {
        worker.off('error', failed);
        resolve(new SqliteWriter(worker, key !== null));
      });
    });
  }

  /** Whether the thread still takes batches. */
  get alive(): boolean {
    return this.failure === null;
  }

  insert(rows: readonly CheckinRow[]): Promise<boolean[]> {
    return this.send((n) => ({ n, rows }));
  }

  /** Drafts, sealed and hashed on the thread (only when it was started with the key). */
  insertDrafts(drafts: readonly CheckinDraft[]): Promise<boolean[]> {
    return this.send((n) => ({ n, drafts }));
  }

  private send(request: (n: number) => InsertRequest): Promise<boolean[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const n = ++this.n;
    return new Promise((resolve, reject) => {
      this.waiting.set(n, { resolve, reject });
      this.worker.postMessage(request(n));
    });
  }

  /** Waits for the answers to every batch handed over, then stops the thread. */
  async close(): Promise<void> {
    while (this.waiting.size > 0 && this.failure === null) await new Promise((r) => setImmediate(r));
    this.failure ??= new Error('the writer thread is closed');
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
