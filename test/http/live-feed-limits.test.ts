/** Issue 16, item 5: a live-feed reader that stops reading is dropped once 256 KiB wait for it, so memory stays bounded. */
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { LiveFeed } from '../../src/http/live-feed.js';
import type { Metrics } from '../../src/http/metrics.js';
import type { ScanView } from '../../src/http/schemas.js';
import type { StatusSource } from '../../src/http/status.js';

function fakeResponse() {
  const r = {
    writableLength: 0,
    destroyed: false,
    written: 0,
    socket: null,
    writeHead: () => r,
    write: (text: string) => {
      r.written += text.length;
      return true;
    },
    end: () => undefined,
    on: () => r,
    destroy: () => {
      r.destroyed = true;
    },
  };
  return r;
}

describe('live feed', () => {
  it('drops a stream whose reader has fallen 256 KiB behind, and keeps writing to the others', () => {
    let onScan: ((scan: () => ScanView) => void) | undefined;
    const status = {
      onScan: (fn: (scan: () => ScanView) => void) => ((onScan = fn), () => undefined),
      snapshot: () => ({}),
    } as unknown as StatusSource;
    const metrics = { sseOpened: () => undefined, sseClosed: () => undefined } as unknown as Metrics;
    const feed = new LiveFeed(status, metrics, systemClock, { maxStreams: 10, maxPerClient: 10 });
    const stalled = fakeResponse();
    const reading = fakeResponse();
    feed.add(stalled as unknown as ServerResponse, '192.168.1.9', false);
    feed.add(reading as unknown as ServerResponse, '127.0.0.1', true);
    const scan = (): ScanView => ({ kind: 'accepted', at: '2026-11-22T09:30:00.000+07:00', scanner: 'gate' });
    onScan?.(scan);
    expect(stalled.destroyed).toBe(false);
    stalled.writableLength = 256 * 1024 + 1;
    const before = reading.written;
    onScan?.(scan);
    expect(stalled.destroyed).toBe(true);
    expect(reading.destroyed).toBe(false);
    expect(reading.written).toBeGreaterThan(before);
    feed.close();
  });
});
