import type { Code } from '../core/codes.js';

export type Verdict = 'ok' | 'warn' | 'fail';

/** One finding: what was checked, what was found, and (unless ok) what to do about it. */
export interface Finding {
  readonly check: string;
  readonly verdict: Verdict;
  readonly message: string;
  readonly fix?: string;
  readonly code?: Code;
}

export const ok = (check: string, message: string): Finding => ({ check, verdict: 'ok', message });
export const warn = (check: string, message: string, fix: string, code?: Code): Finding => ({
  check,
  verdict: 'warn',
  message,
  fix,
  ...(code ? { code } : {}),
});
export const fail = (check: string, message: string, fix: string, code?: Code): Finding => ({
  check,
  verdict: 'fail',
  message,
  fix,
  ...(code ? { code } : {}),
});
