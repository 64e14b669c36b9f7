/**
 * The store's side of its reader thread (writer-thread.ts started in reader mode): the fleet's day counts, which
 * read a whole day of rows, answered on another thread so that the one running the embedded broker never waits on
 * them. Once the thread failed, the store reads on its own thread.
 */
import type { DayCounts } from './store-types.js';
import { ThreadLink } from './thread-link.js';
import type { DayRequest, WriterThreadData } from './writer-protocol.js';

export class SqliteReader {
  private constructor(private readonly link: ThreadLink) {}

  /** Starts the thread on `path` (created by the store) and waits until it has opened it. */
  static async start(entry: URL, path: string): Promise<SqliteReader> {
    const data: WriterThreadData = { path, key: null, mode: 'reader' };
    return new SqliteReader(await ThreadLink.start(entry, data, 'reader thread'));
  }

  get alive(): boolean {
    return this.link.alive;
  }

  kioskCountsSince(fromMs: number): Promise<Map<string, DayCounts>> {
    return this.ask<Map<string, DayCounts>>('kioskCountsSince', fromMs);
  }

  personsSince(fromMs: number): Promise<Map<string, number>> {
    return this.ask<Map<string, number>>('personsSince', fromMs);
  }

  private async ask<R>(query: DayRequest['query'], fromMs: number): Promise<R> {
    return (await this.link.request<{ result: R }>((n) => ({ n, query, fromMs }) satisfies DayRequest)).result;
  }

  close(): Promise<void> {
    return this.link.close({ drain: false });
  }
}
