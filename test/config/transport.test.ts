/**
 * Issue 16, item 4: plain MQTT beyond loopback carries full documents in clear text. The config refuses it (so
 * `run`, `run --check`, `doctor` and `provision` all do) unless mqtt.allowPlaintext says so, and then they warn.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../../src/config/load.js';
import { checkTransport } from '../../src/doctor/broker-checks.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { testClock } from '../helpers/clock.js';
import { runCli } from '../helpers/cli.js';
import { writeConfig } from '../helpers/daemon.js';
import { tempDir } from '../helpers/tmp.js';

const DEVICE = { id: 'k', site: 's' };
const problemsOf = (mqtt: Record<string, unknown>): string[] => {
  try {
    resolveConfig({ device: DEVICE, mqtt }, {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe('plain MQTT beyond loopback', () => {
  it('is refused for mqtt://, tcp:// and ws:// to another host, and accepted over TLS or to this machine', () => {
    for (const url of ['mqtt://192.168.1.10:1883', 'tcp://broker.agency.lan', 'ws://10.0.0.5:9001/mqtt', 'mqtt://[fd00::1]:1883']) {
      const problems = problemsOf({ url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^mqtt\.url: plain MQTT to .* unencrypted: use mqtts:\/\//);
    }
    for (const url of [
      'mqtts://broker.agency.gov.vn:8883',
      'ssl://b:8883',
      'wss://b/mqtt',
      'mqtt://127.0.0.1:1883',
      'mqtt://localhost',
      'mqtt://[::1]:1883',
    ]) {
      expect([url, problemsOf({ url })]).toEqual([url, []]);
    }
    expect(problemsOf({ url: 'mqtt://192.168.1.10:1883', allowPlaintext: true })).toEqual([]);
  });

  it('run --check exits 78 naming mqtt.url and the fix', async () => {
    const dir = tempDir();
    const run = await runCli(['run', '--check', '--config', writeConfig(dir, { mqtt: { url: 'mqtt://192.0.2.1:1883' } })]);
    expect(run.code).toBe(78);
    expect(run.stderr).toMatch(/mqtt\.url \(line \d+, column \d+\): plain MQTT to 192\.0\.2\.1/);
    expect(run.stderr).toContain('mqtt.allowPlaintext: true (unsafe)');
  });

  it('doctor fails the config without the opt-in and warns (W_MQTT_PLAINTEXT) with it', async () => {
    const dir = tempDir();
    const findings = await runDoctor({ configFile: writeConfig(dir, { mqtt: { url: 'mqtt://192.0.2.1:1883' } }), clock: testClock() });
    expect(findings).toMatchObject([{ check: 'config', verdict: 'fail', code: 'E_CONFIG' }]);
    const { config } = resolveConfig(
      { device: DEVICE, store: { path: join(dir, 'q.db') }, mqtt: { url: 'mqtt://192.0.2.1:1883', allowPlaintext: true } },
      {},
    );
    expect(checkTransport(config)).toMatchObject([{ check: 'broker encryption', verdict: 'warn', code: 'W_MQTT_PLAINTEXT' }]);
    expect(checkTransport(resolveConfig({ device: DEVICE, mqtt: { url: 'mqtts://b:8883' } }, {}).config)).toEqual([]);
  });

  it('provision refuses it without the opt-in and warns with it', async () => {
    const dir = tempDir();
    const config = join(dir, 'config.yaml');
    const base = [
      'provision',
      '--config',
      config,
      '--device-id',
      'cong-1',
      '--site',
      'hq',
      '--mqtt-url',
      'mqtt://192.0.2.1:1883',
      '--no-check',
    ];
    const refused = await runCli(base);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('E_PROVISION_CONFIG');
    expect(refused.stderr).toContain('mqtt.url: plain MQTT to 192.0.2.1');
    writeConfig(dir, { mqtt: { allowPlaintext: true } });
    const allowed = await runCli(base);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('WARNING: mqtt.allowPlaintext is set');
  });
});
