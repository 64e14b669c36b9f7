import { waitUntil } from '../../scripts/lib/util.mjs';

/** Polls `cond` until it is true, at most `timeoutMs` (scripts/lib/util.mjs's waitUntil, the one poll-until). */
export function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  return waitUntil(cond, what, timeoutMs);
}
