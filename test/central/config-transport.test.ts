/**
 * Central refuses plain MQTT beyond this machine on either side of its link (the kiosk's rule,
 * src/config/transport.ts): the embedded broker's listener without TLS on a non-loopback address, and an external
 * broker.url in mqtt:// to another host. Only an explicit allowPlaintext lets it through, and that is said at start.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCentralConfig } from '../../src/central/config-load.js';
import { ConfigError } from '../../src/config/load.js';
import { createLogger } from '../../src/logger.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startCentral } from './harness.js';

const store = { path: '/tmp/unused-central.db', keyFile: '/tmp/unused-central.key' };
const tls = { cert: '/etc/qrgate/central-tls/cert.pem', key: '/etc/qrgate/central-tls/key.pem' };

/** The problems' paths and messages of a configuration (empty when it is valid). */
function problems(broker: Record<string, unknown> | undefined): { path: string; message: string }[] {
  try {
    resolveCentralConfig(broker === undefined ? { store } : { broker, store }, {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => ({ path: p.path, message: p.message }));
  }
}

describe('central configuration: no check-in in clear text across the network', () => {
  it.each([
    ['the default listener (0.0.0.0, no TLS)', undefined, '0.0.0.0'],
    ['a LAN address without TLS', { listen: { host: '10.1.2.3' } }, '10.1.2.3'],
    ['every IPv6 address without TLS', { listen: { host: '::' } }, '::'],
  ])('refuses %s, naming the key and the three ways out', (_name, broker, host) => {
    const found = problems(broker);
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('broker.listen.host');
    expect(found[0]?.message).toContain(`plain MQTT on ${host}`);
    for (const fix of ['broker.listen.tls', '127.0.0.1', 'broker.listen.allowPlaintext: true (unsafe)'])
      expect(found[0]?.message).toContain(fix);
  });

  it.each([
    ['loopback (127.0.0.1)', { listen: { host: '127.0.0.1' } }],
    ['loopback (localhost)', { listen: { host: 'localhost' } }],
    ['loopback (::1)', { listen: { host: '::1' } }],
    ['TLS on every address', { listen: { host: '0.0.0.0', tls } }],
    ['plain on a LAN address with the explicit opt-in', { listen: { host: '10.1.2.3', allowPlaintext: true } }],
  ])('accepts %s', (_name, broker) => {
    expect(problems(broker)).toEqual([]);
  });

  it('refuses an external broker in mqtt:// on another host unless broker.allowPlaintext, and never judges the unused listener', () => {
    const external = { url: 'mqtt://broker.lan:1883', clientId: 'central-1' };
    const found = problems(external);
    expect(found.map((p) => p.path)).toEqual(['broker.url']);
    expect(found[0]?.message).toContain('plain MQTT to broker.lan');
    expect(found[0]?.message).toContain('mqtts://');
    expect(found[0]?.message).toContain('broker.allowPlaintext: true (unsafe)');
    expect(problems({ ...external, allowPlaintext: true })).toEqual([]);
    expect(problems({ ...external, url: 'mqtts://broker.lan:8883' })).toEqual([]);
    expect(problems({ ...external, url: 'mqtt://127.0.0.1:1883' })).toEqual([]);
    // The listener's allowPlaintext does not open the external link.
    expect(problems({ ...external, listen: { allowPlaintext: true } }).map((p) => p.path)).toEqual(['broker.url']);
  });

  it('central run --check exits 78 with the refusal in words, no stack trace', async () => {
    const dir = tempDir('qrgate-central-plain-');
    const file = join(dir, 'central.yaml');
    writeFileSync(file, `broker:\n  listen: { host: 0.0.0.0, port: 1883 }\nstore: { path: ${dir}/c.db, keyFile: ${dir}/c.key }\n`);
    const r = await runCli(['central', 'run', '--check', '--config', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('broker.listen.host');
    expect(r.stderr).toContain('plain MQTT on 0.0.0.0');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('says at start that the listener is plain when allowPlaintext let it through (W_CENTRAL_PLAINTEXT), and not on loopback', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream);
    await startCentral({ broker: { listen: { host: '0.0.0.0', port: 0, allowPlaintext: true } } }, { logger });
    const warned = lines.map((l) => JSON.parse(l) as { code?: string; host?: string }).filter((l) => l.code === 'W_CENTRAL_PLAINTEXT');
    expect(warned).toEqual([expect.objectContaining({ host: '0.0.0.0' })]);
    lines.length = 0;
    await startCentral({}, { logger });
    expect(lines.some((l) => l.includes('W_CENTRAL_PLAINTEXT'))).toBe(false);
    expect(lines.some((l) => l.includes('central ready') || l.includes('"level":"info"'))).toBe(true);
  });
});
