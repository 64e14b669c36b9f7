/**
 * Whether the store would refuse the next scan, known without trying one: the status page says "the kiosk is not
 * recording" from its first paint, instead of inviting a visitor to scan and refusing them.
 */
import type { StoreContext } from './store-context.js';

export interface StoreRefusal {
  readonly code: 'E_STORE_FULL' | 'E_STORE_WRITE';
  readonly detail: string;
}

/**
 * Pages one check-in may need at worst: a leaf split and its parent in each b-tree it writes (the table, its three
 * indexes, presence, the counters). Less room than this under the size cap counts as full.
 */
export const CHECKIN_PAGES = 12;

/**
 * The outbox at `maxPending` (when forwarding); else what the last attempt to record a scan met (a write error, a
 * full disk or size cap); else, before any attempt since opening, the database within a check-in's pages of
 * `maxSizeMB`. A recorded scan clears a refusal, and so does a retention purge for a full one (recorder.ts,
 * retention.ts); deliveries lower the outbox.
 */
export function refusalOf(ctx: StoreContext): StoreRefusal | null {
  const { options, pending, lastWrite } = ctx;
  if (options.forwarding && pending.checkins >= options.maxPending) {
    return {
      code: 'E_STORE_FULL',
      detail: `${pending.checkins} check-ins waiting for the broker (store.maxPending ${options.maxPending})`,
    };
  }
  if (typeof lastWrite !== 'string') {
    return { code: lastWrite.code === 'E_STORE_FULL' ? 'E_STORE_FULL' : 'E_STORE_WRITE', detail: lastWrite.message };
  }
  if (lastWrite === 'unknown' && options.maxSizeMB !== undefined) {
    const room = pageRoom(ctx);
    if (room !== null && room < CHECKIN_PAGES) {
      return { code: 'E_STORE_FULL', detail: `the database has reached store.maxSizeMB (${options.maxSizeMB} MiB)` };
    }
  }
  return null;
}

/** Pages the database may still use under its size cap; free pages inside the file count as room. */
function pageRoom(ctx: StoreContext): number | null {
  try {
    const pragma = (name: string): number => ctx.db.pragma(name, { simple: true }) as number;
    return pragma('max_page_count') - pragma('page_count') + pragma('freelist_count');
  } catch {
    return null;
  }
}
