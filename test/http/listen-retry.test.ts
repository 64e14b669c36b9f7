/** Issue 16, item 9: a taken port leaves the page down only until it is free; recording never stops. */
import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { freePort } from '../helpers/mosquitto.js';
import { afterThisTest } from '../helpers/after-test.js';
import { startApp } from './harness.js';

describe('binding the status page', () => {
  it('keeps recording while the port is taken, and serves the page once it is free, without a restart', async () => {
    const port = await freePort();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    afterThisTest(() => squatter.close());
    const h = await startApp({ config: { http: { host: '127.0.0.1', port } } });
    expect(h.app.httpAddress).toBeNull();
    expect(h.logLines().filter((l) => l.code === 'E_HTTP_LISTEN' && l.level === 'error')).toHaveLength(1);
    // Recording goes on.
    expect(h.app.pipeline.manual({ number: '079203001234' }).ok).toBe(true);
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
    await vi.waitFor(() => expect(h.app.httpAddress).toBe(`http://127.0.0.1:${port}`), { timeout: 15_000, interval: 50 });
    const status = await fetch(`http://127.0.0.1:${port}/api/status`);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { today: { in: number } }).today.in).toBe(1);
    expect(h.logText()).toContain('status page listening after all');
  });
});
