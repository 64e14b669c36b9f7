/**
 * The backlog reader thread (a worker_threads entry, started by threaded-backlog.ts). It reads pending check-ins
 * on its own read-only connection, unseals them, writes their `B/checkins` bodies into one buffer per batch and
 * hands the buffer over without a copy. It streams batches ahead of the publisher, at most `credit` unconsumed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openOutboxReader, warningCodesOf } from '../store/outbox-reader.js';
import { checkinHead, checkinTail, minimalDocument, originJson } from './messages.js';
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
    port?.postMessage({
      token: s.token,
      error: { code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? err) },
    } satisfies FromBacklogThread);
    return;
  }
  s.credit -= 1;
  const count = batch.seqs.length;
  if (count > 0) s.after = batch.seqs[count - 1] as number;
  if (batch.end) stream = null;
  port?.postMessage(batch, [batch.seqs.buffer as ArrayBuffer, batch.ends.buffer as ArrayBuffer, batch.bytes]);
  schedule();
}

/**
 * One batch: each body is written as checkinBody() writes it, but the document's decrypted bytes are copied into
 * the batch as they are, never decoded into a string and encoded again (with Vietnamese text both are slow paths,
 * and the strings were most of this thread's garbage).
 */
function pack(token: number, after: number, limit: number): BacklogBatch {
  const rows = reader.rows(after, limit);
  const origin = originJson(data.origin);
  const heads = new Array<string>(rows.length);
  const docs = new Array<Buffer | string | null>(rows.length);
  const tails = new Array<string>(rows.length);
  let total = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const r = rows[i] as (typeof rows)[number];
    const bytes = reader.openBytes(r);
    // An unreadable row's body is empty (a real one never is): the other side reads it as body null.
    if (bytes === null) {
      docs[i] = null;
      continue;
    }
    const doc = data.fields === 'full' ? bytes : minimalDocument(bytes.toString('utf8'));
    const head = checkinHead(
      {
        id: r.id,
        seq: r.seq,
        scanner: r.scanner,
        direction: r.direction,
        auto: r.auto === 1,
        scannedAt: r.scanned_at,
        clockSynced: r.clock_synced === 1,
      },
      origin,
    );
    const tail = checkinTail(warningCodesOf(r));
    heads[i] = head;
    docs[i] = doc;
    tails[i] = tail;
    total +=
      Buffer.byteLength(head, 'utf8') +
      (typeof doc === 'string' ? Buffer.byteLength(doc, 'utf8') : doc.length) +
      Buffer.byteLength(tail, 'utf8');
  }
  const seqs = new Float64Array(rows.length);
  const ends = new Uint32Array(rows.length);
  // Its own ArrayBuffer (not the shared pool's), so it can be transferred.
  const out = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const doc = docs[i];
    if (doc !== null && doc !== undefined) {
      at += out.write(heads[i] as string, at, 'utf8');
      at += typeof doc === 'string' ? out.write(doc, at, 'utf8') : doc.copy(out, at);
      at += out.write(tails[i] as string, at, 'utf8');
    }
    seqs[i] = (rows[i] as (typeof rows)[number]).seq;
    ends[i] = at;
  }
  return { token, seqs, ends, bytes: out.buffer, end: rows.length < limit };
}
