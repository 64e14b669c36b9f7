/**
 * The ingest's side of the SQLite writer thread (writer-thread.ts): hands each batch over and resolves with the
 * thread's answer after its commit. A thread that fails fails the batches it held (their kiosks were not
 * acknowledged and send them again) and is not restarted (thread-link.ts): the store then inserts on its own thread.
 */
import { existsSync } from 'node:fs';
import type { CheckinDraft, CheckinRow } from './store-types.js';
import { ThreadLink } from './thread-link.js';
import type { InsertRequest, WriterThreadData } from './writer-protocol.js';

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

export class SqliteWriter {
  private constructor(
    private readonly link: ThreadLink,
    /** Whether the thread holds the key, so that it can take drafts (insertDrafts). */
    readonly seals: boolean,
  ) {}

  /**
   * Starts the thread on `path` (already created by the store) and waits until it has opened it. With `key` (the
   * store's master key) it seals the drafts it is given itself.
   */
  static async start(entry: URL, path: string, key: Buffer | null = null): Promise<SqliteWriter> {
    const data: WriterThreadData = { path, key };
    return new SqliteWriter(await ThreadLink.start(entry, data, 'writer thread'), key !== null);
  }

  /** Whether the thread still takes batches. */
  get alive(): boolean {
    return this.link.alive;
  }

  insert(rows: readonly CheckinRow[]): Promise<boolean[]> {
    return this.send((n) => ({ n, rows }));
  }

  /** Drafts, sealed and hashed on the thread (only when it was started with the key). */
  insertDrafts(drafts: readonly CheckinDraft[]): Promise<boolean[]> {
    return this.send((n) => ({ n, drafts }));
  }

  private async send(request: (n: number) => InsertRequest): Promise<boolean[]> {
    return (await this.link.request<{ inserted: boolean[] }>(request)).inserted;
  }

  /** Waits for the answers to every batch handed over, then stops the thread. */
  close(): Promise<void> {
    return this.link.close({ drain: true });
  }
}
