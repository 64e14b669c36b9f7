import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfig, type ConfigProblem } from '../../src/config/load.js';

const minimal = { device: { id: 'kiosk-1', site: 'hq' } };

function problemsOf(fn: () => unknown): ConfigProblem[] {
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
    expect(config.store).toEqual({
      path: '/var/lib/qrgate/qrgate.db',
      keyFile: '/var/lib/qrgate/store.key',
      retentionDays: 21,
      maxPending: 1_000_000,
    });
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
        'device.site',
        'store.retentionDays',
        'store.bogus',
        'scanners[0]',
        'scanners[1]',
        'scanners[1].match.productId',
        'scanners[1].id',
        'scanners[2].type',
      ]),
    );
    expect(problems.filter((p) => p.path === 'scanners[0]')).toEqual([
      { path: 'scanners[0]', message: 'give either path or match (exactly one)' },
    ]);
    expect(problems.find((p) => p.path === 'store.bogus')?.message).toBe('unknown key');
    expect(problems.find((p) => p.path === 'device.site')?.message).toMatch(/^required, but not set: The site/);
    expect(problems.find((p) => p.path === 'scanners[1].id')?.message).toContain('used by another scanner');
  });

  it('reads YAML from a file and reports a missing file and YAML syntax errors by line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrgate-config-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'device:\n  id: kiosk-1\n  site: hq\nstore:\n  retentionDays: 7\n');
    expect(loadConfig(good, {}).config.store.retentionDays).toBe(7);

    expect(problemsOf(() => loadConfig(join(dir, 'missing.yaml'), {}))).toEqual([
      { path: '(file)', message: 'cannot read it: file not found' },
    ]);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'device:\n  id: kiosk-1\n   site: hq\n');
    const [yaml] = problemsOf(() => loadConfig(bad, {}));
    expect(yaml).toMatchObject({
      path: '(yaml syntax)',
      line: 2,
      column: 7,
      message: 'Nested mappings are not allowed in compact mappings',
    });
    // No dangling ":" where the library's snippet used to follow.
    expect(yaml?.message).not.toMatch(/:$/);
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

  it('says exactly what the shipped example still needs: the device id and site, at the device section’s line', () => {
    const problems = problemsOf(() => loadConfig(new URL('../../config/example.yaml', import.meta.url).pathname, {}));
    expect(problems.map((p): unknown[] => [p.path, p.line, p.column])).toEqual([
      ['device.id', 5, 1],
      ['device.site', 5, 1],
    ]);
    expect(problems[0]?.message).toBe('required, but not set: This kiosk’s id, unique in the agency (letters, digits, "_", "-", ".")');
  });

  it('lists every problem, not the first 8: nine mistakes give nine problems, each at its line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrgate-config-'));
    const file = join(dir, 'nine.yaml');
    writeFileSync(
      file,
      [
        'device:',
        '  id: kiosk 1', // 1 pattern
        '  sitee: hq', // 2 unknown key (+ 3: site missing)
        'store:',
        '  retentionDays: 0', // 4 minimum
        'http:',
        '  port: 99999', // 5 maximum
        'log:',
        '  level: verbose', // 6 choice
        'mqtt:',
        '  url: http://broker', // 7 pattern
        'scanners:',
        '  - id: gate',
        '    type: serial',
        '    path: /dev/ttyACM0',
        '    terminator: CR', // 8 choice
        '    direction: inn', // 9 choice
        '',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig(file, {}));
    expect(problems.map((p) => `${p.path} ${p.line}:${p.column}`)).toEqual([
      'device.site 1:1',
      'device.sitee 3:3',
      'device.id 2:3',
      'store.retentionDays 5:3',
      'http.port 7:3',
      'mqtt.url 11:3',
      'log.level 9:3',
      'scanners[0].terminator 16:5',
      'scanners[0].direction 17:5',
    ]);
  });

  it.each([
    [
      'a choice, once, with the allowed values',
      { log: { level: 'verbose' } },
      'log.level',
      'must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "verbose")',
    ],
    [
      'a near-miss choice, with a suggestion',
      { scanners: [{ id: 'g', type: 'serial', path: '/dev/x', terminator: 'CR' }] },
      'scanners[0].terminator',
      'must be one of "cr", "lf", "crlf", "auto", "none" (got "CR"); did you mean "cr"?',
    ],
    ['a boolean-or-auto choice', { clock: { synced: 'yes' } }, 'clock.synced', 'must be one of "auto", true, false (got "yes")'],
    ['an unknown key near a real one', { store: { retentionDay: 3 } }, 'store.retentionDay', 'unknown key; did you mean "retentionDays"?'],
    ['an unknown section near a real one', { pipelin: {} }, 'pipelin', 'unknown key; did you mean "pipeline"?'],
    ['an unknown key far from any', { store: { colour: 'red' } }, 'store.colour', 'unknown key'],
    [
      'a near-miss scanner type',
      { scanners: [{ id: 'g', type: 'seriall', path: '/dev/x' }] },
      'scanners[0].type',
      'must be one of "serial", "hid", "evdev", "simulated" (got "seriall"); did you mean "serial"?',
    ],
    [
      'a pattern, in words',
      { checkout: { at: '25:00' } },
      'checkout.at',
      'must be a time "HH:MM" from "00:00" to "23:59" (quote it in YAML), or "never" (got "25:00")',
    ],
    [
      'a USB id, in words',
      { scanners: [{ id: 'g', type: 'hid', match: { vendorId: 'zz', productId: '0b61' } }] },
      'scanners[0].match.vendorId',
      'must be 4 hex digits as lsusb shows them (e.g. "0c2e"; quote it in YAML) (got "zz")',
    ],
    ['an empty string', { http: { host: '' } }, 'http.host', 'must not be empty (got "")'],
    [
      'a missing key whose description says "e.g.", without cutting it there',
      { scanners: [{ id: 'g', type: 'hid', match: { productId: '0b61' } }] },
      'scanners[0].match.vendorId',
      'required, but not set: USB vendor id, 4 hex digits as shown by lsusb or `qrgate scanners`, e.g. "0c2e"',
    ],
    [
      'a scanner written as a plain string',
      { scanners: ['gate'] },
      'scanners[0]',
      'must be a mapping of keys (id:, type:, path: …; see docs/scanners.md), not "gate"',
    ],
    [
      'a file source without a file',
      { scanners: [{ id: 'd', type: 'simulated', source: 'file' }] },
      'scanners[0].file',
      'required when source is "file": the payload file to replay, one scan per line',
    ],
  ])('explains %s', (_what, over, path, message) => {
    const problems = problemsOf(() => resolveConfig({ ...minimal, ...over }, {}));
    expect(problems).toEqual([expect.objectContaining({ path, message })]);
  });

  it('lists a plain-MQTT broker beyond this machine with the other problems, not only once they are fixed', () => {
    const problems = problemsOf(() =>
      resolveConfig({ ...minimal, store: { retentionDays: 0 }, log: { levle: 'debug' }, mqtt: { url: 'mqtt://broker.lan' } }, {}),
    );
    expect(problems.map((p) => p.path)).toEqual(['store.retentionDays', 'log.levle', 'mqtt.url']);
    expect(problems[2]?.message).toMatch(/^plain MQTT to broker\.lan would send check-ins/);
    // The opt-in still silences it, also among other problems.
    const allowed = problemsOf(() =>
      resolveConfig({ ...minimal, log: { levle: 'debug' }, mqtt: { url: 'mqtt://broker.lan', allowPlaintext: true } }, {}),
    );
    expect(allowed.map((p) => p.path)).toEqual(['log.levle']);
  });

  it.each([
    [
      'QRGATE_LOG_LEVEL',
      'verbose',
      'sets log.level, which must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "verbose")',
    ],
    [
      'QRGATE_LOG_LEVEL',
      'Debug',
      'sets log.level, which must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent" (got "Debug"); did you mean "debug"?',
    ],
    [
      'QRGATE_CHECKOUT_AT',
      '25:00',
      'sets checkout.at, which must be a time "HH:MM" from "00:00" to "23:59" (quote it in YAML), or "never" (got "25:00")',
    ],
    ['QRGATE_CLOCK_SYNCED', 'yes', 'sets clock.synced, which must be one of "auto", true, false (got "yes")'],
    ['QRGATE_STORE_RETENTION_DAYS', '0', 'sets store.retentionDays, which must be >= 1 (got 0)'],
  ])('explains an invalid %s=%s as a file problem is explained', (name, value, message) => {
    expect(problemsOf(() => resolveConfig(minimal, { [name]: value }))).toEqual([{ path: `${name} (environment)`, message }]);
  });

  it('suggests the variable a QRGATE_ typo was meant to be, as a warning', () => {
    const { warnings } = resolveConfig(minimal, { QRGATE_STORE_RETENTON_DAYS: '3', QRGATE_ZZZ: '1' });
    expect(warnings).toEqual([
      {
        path: 'QRGATE_STORE_RETENTON_DAYS (environment)',
        message: 'matches no configuration key, so it is ignored; did you mean QRGATE_STORE_RETENTION_DAYS?',
      },
      { path: 'QRGATE_ZZZ (environment)', message: 'matches no configuration key, so it is ignored' },
    ]);
  });
});
