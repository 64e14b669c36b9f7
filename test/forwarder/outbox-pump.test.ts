/**
 * The outbox pump alone: a fake clock (vitest's timers behind systemClock), an in-memory backlog, a fake store that
 * records the delivery marks, and a publish that holds each PUBACK until the test gives it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import type { BacklogSource, OutgoingCheckin, PublishableCheckin } from '../../src/forwarder/backlog.js';
import type { CheckinBody } from '../../src/forwarder/messages.js';
import { OutboxPump, type Item } from '../../src/forwarder/outbox-pump.js';
import { TEST_NOW } from '../helpers/clock.js';

interface Rig {
  pump: OutboxPump;
  /** Published items, in order, each with its PUBACK still to give. */
  sent: Array<{ seq: number; acked: boolean; ack: (err?: Error) => void }>;
  /** Gives every PUBACK not given yet. */
  ackAll: () => void;
  marked: number[];
  setAside: number[];
  pending: OutgoingCheckin[];
}

function rig(rows: OutgoingCheckin[], o: { window?: number; drainRatePerSec?: number } = {}): Rig {
  const pending = [...rows];
  const marked: number[] = [];
  const setAside: number[] = [];
  const sent: Rig['sent'] = [];
  const backlog: BacklogSource = {
    read: (after, limit) => pending.filter((r) => r.seq > after && !marked.includes(r.seq) && !setAside.includes(r.seq)).slice(0, limit),
    release: () => undefined,
  };
  const pump = new OutboxPump({
    store: { markCheckinsSent: (seqs) => (marked.push(...seqs), seqs.length), pendingRejectsAfter: () => [], markRejectsSent: () => 0 },
    backlog,
    publish: (item: Item, done) => {
      if (item.kind !== 'checkin') return;
      const entry = {
        seq: item.row.seq,
        acked: false,
        ack: (err?: Error) => {
          entry.acked = true;
          done(err ?? null);
        },
      };
      sent.push(entry);
    },
    window: o.window ?? 100,
    drainRatePerSec: o.drainRatePerSec,
    clock: systemClock,
    setAside: (seq) => setAside.push(seq),
  });
  return { pump, sent, marked, setAside, pending, ackAll: () => sent.filter((e) => !e.acked).forEach((e) => e.ack()) };
}

/** A stand-in body: the pump only passes bodies through, whatever their text. */
const fakeBody = (text: string) => text as CheckinBody;

const rows = (from: number, to: number): PublishableCheckin[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, body: fakeBody(`{"seq":${from + i}}`) }));

describe('outbox pump', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: TEST_NOW });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps at most `window` in flight and refills as acknowledgements come, in seq order', async () => {
    const r = rig(rows(1, 10), { window: 3 });
    r.pump.start();
    expect(r.sent.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(r.pump.inFlight).toBe(3);
    r.sent[0]?.ack();
    r.sent[1]?.ack();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.sent.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(r.pump.inFlight).toBe(3);
  });

  it('marks a row sent only after its PUBACK, in one batch after a short delay; a failed publish stays pending and goes again after a reconnect', async () => {
    const r = rig(rows(1, 3));
    r.pump.start();
    r.sent[0]?.ack();
    r.sent[1]?.ack(new Error('connection lost'));
    expect(r.marked).toEqual([]); // not yet flushed
    await vi.advanceTimersByTimeAsync(25);
    expect(r.marked).toEqual([1]);
    r.pump.stop(); // the connection went: 2 and 3 are unacknowledged
    r.pump.start();
    expect(r.sent.slice(3).map((s) => s.seq)).toEqual([2, 3]);
    r.sent[3]?.ack();
    r.sent[4]?.ack();
    r.pump.flushAcks();
    expect(r.marked).toEqual([1, 2, 3]);
  });

  it('ignores a late PUBACK from before a reconnect: it neither marks nor frees a slot', async () => {
    const r = rig(rows(1, 2), { window: 1 });
    r.pump.start();
    const stale = r.sent[0];
    r.pump.stop();
    r.pump.start();
    expect(r.sent.map((s) => s.seq)).toEqual([1, 1]);
    stale?.ack();
    await vi.advanceTimersByTimeAsync(25);
    expect(r.marked).toEqual([]);
    expect(r.pump.inFlight).toBe(1);
  });

  it('sends a live check-in ahead of the backlog, and not again when the backlog reaches it', async () => {
    const r = rig(rows(1, 5), { window: 2 });
    r.pump.start();
    const live: PublishableCheckin = { seq: 6, body: fakeBody('{"seq":6}') };
    r.pending.push(live);
    r.pump.notifyCheckin(live);
    for (let i = 0; i < 10 && r.sent.length < 6; i += 1) {
      r.ackAll();
      await vi.advanceTimersByTimeAsync(25);
    }
    r.ackAll();
    r.pump.flushAcks();
    const order = r.sent.map((s) => s.seq);
    expect(order).toHaveLength(6);
    expect(order.indexOf(6)).toBeLessThan(order.indexOf(5));
    expect(order.filter((s) => s === 6)).toHaveLength(1);
    expect([...new Set(r.marked)].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('drains a backlog no faster than drainRatePerSec, on the clock', async () => {
    const r = rig(rows(1, 20), { window: 2, drainRatePerSec: 10 });
    r.pump.start();
    expect(r.sent).toHaveLength(2); // the bucket starts full (one window)
    for (let t = 0; t < 1000; t += 50) {
      r.ackAll();
      await vi.advanceTimersByTimeAsync(50);
    }
    // 10 a second after the first window, give or take the token in hand.
    expect(r.sent.length).toBeGreaterThanOrEqual(11);
    expect(r.sent.length).toBeLessThanOrEqual(13);
  });

  it('sets aside a backlog row whose document does not open, and publishes the rest', async () => {
    const r = rig([
      { seq: 1, body: fakeBody('{"seq":1}') },
      { seq: 2, body: null },
      { seq: 3, body: fakeBody('{"seq":3}') },
    ]);
    r.pump.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.sent.map((s) => s.seq)).toEqual([1, 3]);
    expect(r.setAside).toEqual([2]);
  });
});
