/** A real `qrgate run` kiosk killed with kill -9: the broker publishes its last will and the fleet shows it offline. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterThisTest } from '../helpers/after-test.js';
import { Daemon, writeConfig } from '../helpers/daemon.js';
import { tempDir } from '../helpers/tmp.js';
import { addKiosk, startCentral, until } from './harness.js';

describe('kiosk state from the retained status and the last will', () => {
  it('shows a kiosk offline once it dies without a goodbye', async () => {
    const h = await startCentral();
    const dir = tempDir('qrgate-kiosk-');
    const passwordFile = await addKiosk(h, 'hq', 'kiosk-9', dir);
    const d = new Daemon(writeConfig(dir, { device: { id: 'kiosk-9', site: 'hq' }, store: { path: join(dir, 'q.db'), keyFile: join(dir, 'k') }, mqtt: { url: h.url, username: 'hq/kiosk-9', passwordFile, keepaliveSec: 5 } }));
    afterThisTest(() => d.dispose());
    const kiosk = { site: 'hq', device: 'kiosk-9' };
    await until(() => h.app.tracker.state(kiosk)?.state === 'online', 'online', 30_000);
    expect(h.app.tracker.state(kiosk)?.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(h.app.tracker.healthOf(kiosk)?.lastSeq).toBe(0);
    d.kill('SIGKILL');
    await d.exited;
    await until(() => h.app.tracker.state(kiosk)?.state === 'offline', 'offline after kill -9', 10_000);
  });
});
