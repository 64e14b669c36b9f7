/**
 * The kiosk's side of central's `resend {from, to}` request (docs/mqtt.md): which stored check-ins of a seq range
 * can be republished, which seqs are no longer stored, and which no longer open. Bounded: at most
 * RESEND_MAX_RANGE seqs per request.
 */
import { Value } from 'typebox/value';
import type { OutboxStore } from '../store/outbox.js';
import type { OutboxCheckin } from '../store/types.js';
import type { ResendResult } from './contract.js';
import { RESEND_MAX_RANGE, ResendRequestSchema } from './schemas.js';

export function resendRange(body: unknown): { from: number; to: number } | null {
  if (!Value.Check(ResendRequestSchema, body)) return null;
  const { from, to } = body;
  if (to < from || to - from >= RESEND_MAX_RANGE) return null;
  return { from, to };
}

export function readResend(
  store: Pick<OutboxStore, 'checkinsInRange'>,
  from: number,
  to: number,
): { result: ResendResult; rows: OutboxCheckin[] } {
  const rows: OutboxCheckin[] = [];
  const unreadable: number[] = [];
  const missing: Array<[number, number]> = [];
  let expected = from;
  for (const row of store.checkinsInRange(from, to)) {
    if (row.seq > expected) missing.push([expected, row.seq - 1]);
    expected = row.seq + 1;
    if ('unreadable' in row) unreadable.push(row.seq);
    else rows.push(row);
  }
  if (expected <= to) missing.push([expected, to]);
  return { result: { from, to, sent: rows.length, missing, unreadable }, rows };
}
