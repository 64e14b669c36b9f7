/**
 * Where a drain reads its backlog: in this thread, or, from a large backlog on, on a second thread
 * (threaded-backlog.ts) so that opening thousands of sealed documents does not stall scanning.
 */
import { existsSync } from 'node:fs';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../logger.js';
import type { OutboxStore } from '../store/outbox.js';
import type { OutboxCheckin } from '../store/types.js';
import { InThreadBacklog, type BacklogSource } from './backlog.js';
import type { CheckinBody, Origin } from './messages.js';
import { ThreadedBacklog } from './threaded-backlog.js';

/** Pending check-ins from which a drain reads its backlog on a second thread. */
const THREAD_MIN_BACKLOG = 5000;

/**
 * The backlog reader thread's entry, next to this module: backlog-thread.cjs beside the bundle (dist/qrgate.cjs),
 * or backlog-thread.js beside the compiled module. Run from TypeScript sources (tests), there is none.
 */
export function backlogThreadEntry(): URL | null {
  for (const name of ['./backlog-thread.cjs', './backlog-thread.js']) {
    const url = new URL(name, import.meta.url);
    if (existsSync(url)) return url;
  }
  return null;
}

/** The thread option of ForwarderDeps: default `backlogThreadEntry()` from 5,000 pending; null: every read here. */
export type BacklogThreadOption = { readonly entry: URL; readonly minBacklog?: number } | null;

export interface BacklogChoice {
  readonly store: Pick<OutboxStore, 'outboxAfter' | 'pendingCount'>;
  readonly storeFiles: { readonly path: string; readonly keyFile: string };
  /** mqtt.backlogThread: false keeps every read in this thread. */
  readonly enabled: boolean;
  readonly thread: BacklogThreadOption | undefined;
  readonly origin: Origin;
  readonly fields: 'full' | 'minimal';
  readonly body: (row: OutboxCheckin) => CheckinBody;
  readonly log: Logger;
  readonly clock: Clock;
}

export function chooseBacklog(choice: BacklogChoice): BacklogSource {
  const inThread = new InThreadBacklog(choice.store, choice.body);
  const entry = !choice.enabled ? null : choice.thread === undefined ? backlogThreadEntry() : (choice.thread?.entry ?? null);
  if (entry === null) return inThread;
  return new ThreadedBacklog({
    entry,
    data: { store: choice.storeFiles, origin: choice.origin, fields: choice.fields },
    inThread,
    pendingCount: () => choice.store.pendingCount(),
    minBacklog: choice.thread?.minBacklog ?? THREAD_MIN_BACKLOG,
    log: choice.log,
    clock: choice.clock,
  });
}
