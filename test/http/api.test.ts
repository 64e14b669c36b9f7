import { describe, expect, it } from 'vitest';
import { bhytNew, cccd, NAME_F } from '../helpers/payloads.js';
import { startApp } from './harness.js';

describe('GET /api/status', () => {
  it('reports device, counts, scanners, broker, queue and the last scan, masked', async () => {
    const h = await startApp();
    h.scanners.get('gate')?.scan(cccd());
    h.scanners.get('gate')?.scan('hello world');
    const res = await h.app.http.inject('/api/status');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      device: { id: 'kiosk-1', site: 'hq' },
      today: { in: 1, out: 0, insideNow: 1, rejected: 1 },
      scanners: [{ id: 'gate', state: 'connected', text: { code: 'S_SCANNER_CONNECTED' } }],
      mqtt: { state: 'disabled', text: { code: 'S_MQTT_DISABLED' } },
      queue: { pending: 0, oldestPendingAgeSec: null },
      inside: [{ name: 'Nguyễn T. M.', number: '•••• •••• 2345', type: 'cccd' }],
      lastScan: {
        kind: 'rejected',
        scanner: 'gate',
        reason: { code: 'E_UNRECOGNIZED', vi: expect.any(String) as unknown, en: expect.any(String) as unknown },
      },
    });
    expect(res.body).not.toContain('001190012345');
    expect(res.body).not.toContain(NAME_F);
  });

  it('never sends a field that is not in the schema, even when a document carries extra ones', async () => {
    const h = await startApp();
    // A CCCD with trailing extra fields, an address and an old number: none of it may reach the public API.
    h.scanners.get('gate')?.scan(cccd({}, ['SECRET-EXTRA-FIELD', 'x']));
    h.scanners.get('gate')?.scan(bhytNew());
    const body = (await h.app.http.inject('/api/status')).body;
    for (const leak of [
      'SECRET-EXTRA-FIELD',
      '012345678',
      'Đường Thử Nghiệm',
      '0199900123',
      '001190012345',
      'birthDate',
      'address',
      'extra',
      'document',
    ]) {
      expect(body).not.toContain(leak);
    }
    expect(JSON.parse(body)).toMatchObject({ lastScan: { kind: 'accepted', type: 'bhyt', number: '•• •••• 0123' } });
  });
});

describe('GET /health', () => {
  it('is 200 when every enabled subsystem works, a missing broker being no failure', async () => {
    const h = await startApp();
    const res = await h.app.http.inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      failing: [],
      checks: { mqtt: { ok: true }, scanners: { ok: true }, store: { ok: true } },
    });
    expect((await h.app.http.inject('/health/scanners')).statusCode).toBe(200);
  });

  it('is 503 naming the failing subsystems: an unplugged scanner, an unreachable broker', async () => {
    const h = await startApp({ scanners: ['gate', 'exit'], config: { mqtt: { url: 'mqtt://127.0.0.1:1' } } });
    h.scanners.get('exit')?.unplug();
    const res = await h.app.http.inject('/health');
    expect(res.statusCode).toBe(503);
    const body = res.json<{ failing: string[]; checks: { scanners: { detail: string } } }>();
    expect(body.failing).toEqual(['scanners', 'mqtt']);
    expect(body.checks.scanners.detail).toBe('exit: disconnected');
    expect((await h.app.http.inject('/health/store')).statusCode).toBe(200);
    expect((await h.app.http.inject('/health/mqtt')).statusCode).toBe(503);
    expect((await h.app.http.inject('/health/nope')).json()).toMatchObject({ code: 'E_HTTP_NOT_FOUND' });
  });
});

describe('POST /api/manual', () => {
  it('records a typed number and name as a manual id-number check-in', async () => {
    const h = await startApp();
    const seen: unknown[] = [];
    h.app.pipeline.on('checkin', (c) => seen.push(c));
    const res = await h.app.http.inject({
      method: 'POST',
      url: '/api/manual',
      payload: { number: '079203001234', name: 'Lê Văn Khách', direction: 'in' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      scan: { kind: 'accepted', manual: true, type: 'id-number', name: 'Lê V. K.', number: '•••• •••• 1234', direction: 'in' },
    });
    expect(seen).toMatchObject([
      { manual: true, document: { type: 'id-number', manual: true, number: '079203001234', name: 'Lê Văn Khách' } },
    ]);
  });

  it('refuses a number that breaks the decoder rules, with the reason in both languages', async () => {
    const h = await startApp();
    const res = await h.app.http.inject({ method: 'POST', url: '/api/manual', payload: { number: '12345' } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ ok: false, scan: { kind: 'rejected', reason: { code: 'E_MANUAL_NUMBER' } } });
  });

  it('records a typed BHYT card number, spaces and all, as a manual bhyt check-in', async () => {
    const h = await startApp();
    const res = await h.app.http.inject({
      method: 'POST',
      url: '/api/manual',
      payload: { number: 'HS 4 01 0123456789', name: 'Lê Văn Khách' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      ok: true,
      scan: { kind: 'accepted', manual: true, type: 'bhyt', name: 'Lê V. K.', number: '••• •••• •••• 6789' },
    });
  });

  it('answers a malformed body with E_HTTP_BAD_REQUEST and accepts only JSON', async () => {
    const h = await startApp();
    expect((await h.app.http.inject({ method: 'POST', url: '/api/manual', payload: { name: 'x' } })).json()).toMatchObject({
      code: 'E_HTTP_BAD_REQUEST',
    });
    const form = await h.app.http.inject({
      method: 'POST',
      url: '/api/manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'number=079203001234',
    });
    expect(form.statusCode).toBe(415);
  });
});

describe('pages and headers', () => {
  it('serves the page with a strict content security policy and no inline script', async () => {
    const h = await startApp();
    const res = await h.app.http.inject('/');
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(res.body).not.toMatch(/ style=| on[a-z]+=/);
    expect(res.body).not.toMatch(/https?:\/\//);
    expect((await h.app.http.inject('/assets/app.js')).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await h.app.http.inject('/assets/..%2Fserver.ts')).statusCode).toBe(400);
    expect((await h.app.http.inject('/nope')).json()).toMatchObject({ code: 'E_HTTP_NOT_FOUND' });
  });
});

describe('GET /events', () => {
  it('streams the state at once, then each scan as it is committed', async () => {
    const h = await startApp();
    const url = `${h.app.httpAddress ?? ''}/events`;
    const controller = new AbortController();
    const res = await fetch(url, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const until = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await until('event: status');
    expect(text).toMatch(/^retry: 1000\n\n/);
    h.scanners.get('gate')?.scan(cccd());
    await until('event: scan');
    const scanData = /event: scan\ndata: (.*)\n\n/.exec(text)?.[1] ?? '';
    expect(JSON.parse(scanData)).toMatchObject({ kind: 'accepted', direction: 'in', name: 'Nguyễn T. M.', number: '•••• •••• 2345' });
    expect(text).not.toContain('001190012345');
    controller.abort();
  });
});
