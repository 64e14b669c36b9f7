/**
 * `qrgate run` as a real process: configuration errors, a clean stop, and crash safety under kill -9 with scans
 * arriving through a real pseudo-terminal.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckinStore } from '../../src/store/checkin-store.js';
import { Daemon, writeConfig, type LogLine } from '../helpers/daemon.js';
import { integrityOf } from '../helpers/sqlite.js';
import { runCli } from '../helpers/cli.js';
import { cccd } from '../helpers/payloads.js';
import { tempDir } from '../helpers/tmp.js';
import { PtyPair, requireSocat } from '../helpers/pty.js';

const daemons: Daemon[] = [];
const ptys: PtyPair[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) {
    d.kill('SIGKILL');
    await d.exited;
  }
  for (const p of ptys.splice(0)) await p.dispose();
});

function start(configFile: string): Daemon {
  const d = new Daemon(configFile);
  daemons.push(d);
  return d;
}

/** After a kill -9: every announced commit is there with its seq, seq has no gap, and the file is sound. */
function verifyAfterCrash(dir: string, announced: ReadonlyMap<string, number>, round: number): void {
  const store = CheckinStore.open({
    path: join(dir, 'qrgate.db'),
    keyFile: join(dir, 'store.key'),
    maxPending: 1_000_000,
    forwarding: true,
  });
  try {
    expect(integrityOf(join(dir, 'qrgate.db')), `integrity after round ${round}`).toBe('ok');
    const rows = store.outbox.pendingCheckins(0, 1_000_000);
    const byId = new Map(rows.map((r) => [r.id, r.seq]));
    for (const [id, seq] of announced) expect(byId.get(id), `announced ${id} after round ${round}`).toBe(seq);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(store.lastSeq()).toBe(rows.length);
  } finally {
    store.close();
  }
}

describe('qrgate run', () => {
  it('refuses an invalid configuration with every problem and its path, exit 78', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, { device: { id: 'bad id!' }, store: { retentionDays: 0 }, scanners: [{ id: 'x', type: 'serial' }] });
    const run = await runCli(['run', '--config', file]);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('device.id');
    expect(run.stderr).toContain('device.site (line 1, column 1): required, but not set');
    expect(run.stderr).toContain('store.retentionDays');
    expect(run.stderr).toMatch(/scanners\[0\] \(line \d+, column \d+\): give either path or match \(exactly one\)/);
  });

  it('--check agrees with the daemon: the same QRGATE_ typo warnings, the same refusal of a file source without a file', async () => {
    const dir = tempDir();
    const good = writeConfig(dir, {});
    const check = await runCli(['run', '--check', '--config', good], undefined, { QRGATE_MQTT_URLL: 'mqtt://x' });
    expect(check.code).toBe(0);
    expect(check.stderr).toContain(
      'QRGATE_MQTT_URLL (environment): matches no configuration key, so it is ignored; did you mean QRGATE_MQTT_URL?',
    );
    expect(check.stdout).toContain('configuration is valid (1 warning above)');
    // The daemon's own log line says the same words.
    const daemon = new Daemon(good, { env: { QRGATE_MQTT_URLL: 'mqtt://x' } });
    daemons.push(daemon);
    await daemon.waitFor('ready');
    const warned = daemon.lines.filter((l) => String(l.msg).startsWith('configuration warning: '));
    expect(warned.map((l): unknown[] => [l.level, l.variable, l.msg])).toEqual([
      [
        'warn',
        'QRGATE_MQTT_URLL',
        'configuration warning: QRGATE_MQTT_URLL (environment): matches no configuration key, so it is ignored; did you mean QRGATE_MQTT_URL?',
      ],
    ]);
    expect(check.stderr).toContain(`qrgate: warning: ${String(warned[0]?.msg).slice('configuration warning: '.length)}`);

    const bad = writeConfig(tempDir(), { scanners: [{ id: 'demo', type: 'simulated', source: 'file' }] });
    for (const args of [
      ['run', '--check', '--config', bad],
      ['run', '--config', bad],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(78);
      expect(run.stderr).toContain('scanners[0].file');
      expect(run.stderr).toContain('required when source is "file"');
    }
  });

  it('names a missing configuration file, also through QRGATE_CONFIG', async () => {
    const run = await runCli(['run'], undefined, { QRGATE_CONFIG: '/nonexistent/qrgate.yaml' });
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('/nonexistent/qrgate.yaml');
    expect(run.stderr).toContain('file not found');
  });

  it('stops cleanly on SIGTERM within 5 s with exit 0, keeping what was recorded', async () => {
    requireSocat();
    const dir = tempDir();
    const pty = new PtyPair();
    ptys.push(pty);
    await pty.start();
    const d = start(writeConfig(dir, { scanners: [{ id: 'gate', type: 'serial', path: pty.scannerPath, terminator: 'lf' }] }));
    await d.waitFor('ready');
    await pty.write(`${cccd()}\n`);
    const [line] = await d.waitFor('check-in committed');
    const began = Date.now();
    d.kill('SIGTERM');
    const exit = await d.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(d.messages('stopped')).toHaveLength(1);
    // No name or number in any log line.
    expect(JSON.stringify(d.lines)).not.toMatch(/001190012345|Nguyễn/);
    const store = CheckinStore.open({ path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key'), maxPending: 100, forwarding: true });
    expect(store.lastSeq()).toBe(1);
    expect(store.insideNow().map((c) => c.id)).toEqual([line?.id]);
    store.close();
  });

  it('never loses an announced check-in across kill -9 at random moments; seq stays gap-free', async () => {
    requireSocat();
    const dir = tempDir();
    const pty = new PtyPair();
    ptys.push(pty);
    await pty.start();
    const config = writeConfig(dir, {
      scanners: [{ id: 'gate', type: 'serial', path: pty.scannerPath, terminator: 'lf' }],
      mqtt: { url: 'mqtt://127.0.0.1:9' }, // forwarding on: every row stays pending, so all of them can be checked
      pipeline: { dedupeMs: 0 },
    });
    const announced = new Map<string, number>();
    let visitor = 0;
    const rounds = 12;
    for (let round = 0; round < rounds; round += 1) {
      const d = start(config);
      await d.waitFor('ready');
      const killAfter = 50 + Math.floor(Math.random() * 400);
      const writer = (async () => {
        const until = Date.now() + killAfter;
        while (Date.now() < until) {
          visitor += 1;
          await pty.write(`${cccd({ number: `0011900${String(visitor).padStart(5, '0')}` })}\n`);
          await new Promise((r) => setTimeout(r, Math.random() * 15));
        }
      })();
      await writer;
      d.kill('SIGKILL');
      await d.exited;
      for (const l of d.messages('check-in committed') as Array<LogLine & { id: string; seq: number }>) announced.set(l.id, l.seq);
      verifyAfterCrash(dir, announced, round);
    }
    expect(announced.size).toBeGreaterThan(rounds);
  }, 90_000);
});
