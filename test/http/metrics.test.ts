import { describe, expect, it } from 'vitest';
import { cccd, NAME_F } from '../helpers/payloads.js';
import { startApp } from './harness.js';

describe('GET /metrics', () => {
  it('counts scans by scanner, outcome and code, with latency histograms and gauges, and no personal data', async () => {
    const h = await startApp({ scanners: ['gate', 'exit'] });
    h.scanners.get('gate')?.scan(cccd());
    h.scanners.get('gate')?.scan('hello');
    h.scanners.get('exit')?.unplug();
    await h.app.http.inject({ method: 'POST', url: '/api/manual', payload: { number: '079203001234', name: 'Lê Văn Khách' } });
    const res = await h.app.http.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toContain('qrgate_scans_total{scanner="gate",outcome="accepted",code="none"} 1');
    expect(text).toContain('qrgate_scans_total{scanner="gate",outcome="rejected",code="E_UNRECOGNIZED"} 1');
    expect(text).toContain('qrgate_scans_total{scanner="manual",outcome="accepted",code="none"} 1');
    expect(text).toContain('qrgate_commit_latency_seconds_count 2');
    expect(text).toMatch(/qrgate_forward_latency_seconds_count 0/);
    expect(text).toContain('qrgate_pending_checkins 0');
    expect(text).toContain('qrgate_scanner_connected{scanner="gate"} 1');
    expect(text).toContain('qrgate_scanner_connected{scanner="exit"} 0');
    expect(text).toContain('qrgate_mqtt_reconnects_total 0');
    for (const personal of ['001190012345', '079203001234', NAME_F, 'Nguyễn', 'Khách', '2345']) expect(text).not.toContain(personal);
    // Every label value is a scanner id, an outcome, a code or the version.
    const values = [...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]);
    for (const v of values)
      expect(v).toMatch(/^(gate|exit|manual|accepted|rejected|none|E_[A-Z_]+|\+Inf|\d+(\.\d+)?(e-?\d+)?|[\d.]+(-[\w.]+)?)$/);
  });
});
