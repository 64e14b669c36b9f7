/**
 * The policy for a pending check-in whose sealed document no longer opens (E_STORE_UNREADABLE): it can never be
 * sent as recorded, so it is logged with its seq and taken out of the outbox (kept until the retention deletes it).
 * If even that write fails, it stays pending and is read, and set aside, again after the next reconnect.
 */
import { STORE_CODES } from '../core/codes.js';
import type { Logger } from '../logger.js';

export interface SetAsideTarget {
  /** Marks the row set aside; returns whether it was still pending. */
  setAsideUnreadable(seq: number): boolean;
}

/** The function the outbox's readers call with the seq of each unreadable row they meet. */
export function setAsidePolicy(store: SetAsideTarget, log: Logger): (seq: number) => void {
  return (seq) => {
    try {
      if (store.setAsideUnreadable(seq)) log.error({ code: 'E_STORE_UNREADABLE', seq }, STORE_CODES.E_STORE_UNREADABLE.en);
    } catch (err) {
      log.error({ err, seq }, 'could not set aside an unreadable check-in');
    }
  };
}
