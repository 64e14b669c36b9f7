/**
 * The backlog reader thread (a worker_threads entry, started by threaded-backlog.ts). It reads pending check-ins
 * on its own read-only connection, unseals them, writes their `B/checkins` bodies into one buffer per batch and
 * hands the buffer over without a copy. It streams batches ahead of the publisher, at most `credit` unconsumed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openOutboxReader } from '../store/outbox-reader.js';
import { isUnreadable } from './backlog.js';
import { checkinBody } from './messages.js';
import type { BacklogBatch, BacklogThreadData, FromBacklogThread, ToBacklogThread } from './backlog-thread-protocol.js';

const port = parentPort;
if (port === null) throw new Error('backlog-thread.js runs as a worker thread');
const data = workerData as BacklogThreadData;
const { reader } = openOutboxReader(data.store);
port.postMessage({ ready: true } satisfies FromBacklogThread);

let stream: { token: number; after: number; limit: number; credit: number } | null = null;
let scheduled = false;

port.on('message', (m: ToBacklogThread) => {
  if (m.op === 'stream') stream = { token: m.token, after: m.after, limit: m.limit, credit: m.credit };
  else if (stream?.token === m.token) stream.credit += 1;
  schedule();
});

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // One batch per turn, so a new stream (the publisher reconnected and starts again) is seen between batches.
  setImmediate(step);
}

function step(): void {
  scheduled = false;
  const s = stream;
  if (s === null || s.credit <= 0) return;
  let batch: BacklogBatch;
  try {
    batch = pack(s.token, s.after, s.limit);
  } catch (err) {
    stream = null;
    const e = err as { code?: unknown; message?: unknown };
    port?.postMessage({ token: s.token, error: { code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? err) } } satisfies FromBacklogThread);
    return;
  }
  s.credit -= 1;
  const count = batch.seqs.length;
  if (count > 0) s.after = batch.seqs[count - 1] as number;
  if (batch.end) stream = null;
  port?.postMessage(batch, [batch.seqs.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer, batch.bytes]);
  schedule();
}

function pack(token: number, after: number, limit: number): BacklogBatch {
  const rows = reader.read(after, limit);
  // An unreadable row's body is empty (a real one never is): the other side reads it as body null.
  const bodies = rows.map((r) => (isUnreadable(r) ? '' : checkinBody(r, data.origin, data.fields)));
  const seqs = new Float64Array(rows.length);
  const ends = new Uint32Array(rows.length);
  const total = bodies.reduce((sum, b) => sum + Buffer.byteLength(b, 'utf8'), 0);
  // Its own ArrayBuffer (not the shared pool's), so it can be transferred.
  const bytes = Buffer.allocUnsafeSlow(total);
  let at = 0;
  rows.forEach((r, i) => {
    at += bytes.write(bodies[i] as string, at, 'utf8');
    seqs[i] = r.seq;
    ends[i] = at;
  });
  return { token, seqs, ends, bytes: bytes.buffer, end: rows.length < limit };
}
