import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig } from '../../src/config/load.js';

const minimal = { device: { id: 'kiosk-1', site: 'hq' } };

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('fills every default from the schema', () => {
    const { config } = resolveConfig(minimal, {});
    expect(config.store).toEqual({ path: '/var/lib/qrgate/qrgate.db', keyFile: '/var/lib/qrgate/store.key', retentionDays: 21, maxPending: 1_000_000 });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.mqtt).toMatchObject({ baseTopic: 'qrgate', documentFields: 'full' });
    expect(config.pipeline).toEqual({ dedupeMs: 3000, reassemblyMs: 150 });
    expect(config.scanners).toEqual([]);
  });

  it('fills the defaults of a scanner entry by its type', () => {
    const { config } = resolveConfig({ ...minimal, scanners: [{ id: 'gate', type: 'serial', path: '/dev/ttyACM0' }] }, {});
    expect(config.scanners[0]).toMatchObject({ baudRate: 9600, terminator: 'auto', direction: 'in', maxFrameBytes: 4096 });
  });

  it('returns a deeply frozen object', () => {
    const { config } = resolveConfig(minimal, {});
    expect(Object.isFrozen(config.store)).toBe(true);
    expect(() => {
      (config.store as { retentionDays: number }).retentionDays = 1;
    }).toThrow(TypeError);
  });

  it('applies QRGATE_ environment overrides, converted to the key’s type', () => {
    const { config, unknownEnv } = resolveConfig(minimal, {
      QRGATE_STORE_RETENTION_DAYS: '30',
      QRGATE_MQTT_URL: 'mqtt://127.0.0.1:1883',
      QRGATE_CLOCK_SYNCED: 'true',
      QRGATE_DEVICE_ID: 'kiosk-9',
      QRGATE_MQTT_URLL: 'typo',
      QRGATE_CONFIG: '/etc/qrgate/config.yaml',
      LOG_LEVEL: 'debug',
    });
    expect(config.store.retentionDays).toBe(30);
    expect(config.mqtt.url).toBe('mqtt://127.0.0.1:1883');
    expect(config.clock.synced).toBe(true);
    expect(config.device.id).toBe('kiosk-9');
    expect(config.log.level).toBe('debug');
    expect(unknownEnv).toEqual(['QRGATE_MQTT_URLL']);
  });

  it('lists every problem with its path, not just the first', () => {
    const problems = problemsOf(() =>
      resolveConfig(
        {
          device: { id: '' },
          store: { retentionDays: 'x', bogus: 1 },
          scanners: [
            { id: 'a', type: 'serial' },
            { id: 'a', type: 'serial', path: '/dev/x', match: { vendorId: '0c2e', productId: 'zz' } },
            { id: 'b', type: 'usb' },
          ],
        },
        { QRGATE_HTTP_PORT: 'abc' },
      ),
    );
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'QRGATE_HTTP_PORT (environment)',
        'device.id',
        'device',
        'store.retentionDays',
        'store.bogus',
        'scanners[0]',
        'scanners[1]',
        'scanners[1].match.productId',
        'scanners[1].id',
        'scanners[2].type',
      ]),
    );
    expect(problems.filter((p) => p.path === 'scanners[0]')).toEqual([{ path: 'scanners[0]', message: 'give either path or match (exactly one)' }]);
    expect(problems.find((p) => p.path === 'store.bogus')?.message).toBe('unknown key');
    expect(problems.find((p) => p.path === 'scanners[1].id')?.message).toContain('used by another scanner');
  });

  it('reads YAML from a file and reports a missing file and YAML syntax errors by line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrgate-config-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'device:\n  id: kiosk-1\n  site: hq\nstore:\n  retentionDays: 7\n');
    expect(loadConfig(good, {}).config.store.retentionDays).toBe(7);

    expect(problemsOf(() => loadConfig(join(dir, 'missing.yaml'), {}))).toEqual([{ path: '(file)', message: 'cannot read it: file not found' }]);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'device:\n  id: kiosk-1\n   site: hq\n');
    expect(problemsOf(() => loadConfig(bad, {}))[0]?.path).toMatch(/^\(yaml, line \d+\)$/);
  });

  it('rejects a document that is not a mapping', () => {
    expect(problemsOf(() => resolveConfig(['a'], {}))[0]?.message).toContain('mapping');
  });
});

describe('configuration written by hand', () => {
  it('treats a section with nothing under it (only comments) as not set', () => {
    const { config } = resolveConfig({ device: { id: 'k', site: 's' }, scanners: null, mqtt: null, store: { retentionDays: null } }, {});
    expect(config.scanners).toEqual([]);
    expect(config.mqtt.baseTopic).toBe('qrgate');
    expect(config.store.retentionDays).toBe(21);
  });

  it('says exactly what the shipped example still needs: the device id and site', () => {
    const problems = problemsOf(() => loadConfig(new URL('../../config/example.yaml', import.meta.url).pathname, {}));
    expect(problems).toEqual([{ path: '(top level)', message: 'must have required properties device' }]);
  });
});
