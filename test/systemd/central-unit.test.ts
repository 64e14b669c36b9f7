import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function analyze(args: string[]): { status: number | null; out: string } {
  const run = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  if (run.error) throw new Error(`systemd-analyze is missing (Debian package systemd): ${run.error.message}`);
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

// The single central, and the template that runs N consumers of an external broker on one machine.
describe.each([
  ['qrgate-central.service', '/etc/qrgate/central.yaml'],
  ['qrgate-central@.service', '/etc/qrgate/central-%i.yaml'],
])('central systemd unit %s', (name, configFile) => {
  const unit = `systemd/${name}`;
  const text = readFileSync(new URL(`../../${unit}`, import.meta.url), 'utf8');
  const directives = (key: string): string[] => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');

  it('passes systemd-analyze verify', () => {
    const r = analyze(['verify', unit]);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('is hardened like the kiosk unit (exposure under 2.0), with no devices', () => {
    const score = Number(
      /Overall exposure level for qrgate-central@?i?\.service: ([\d.]+)/.exec(analyze(['security', '--offline=true', unit]).out)?.[1],
    );
    expect(score).toBeLessThan(2.0);
    expect(directives('DevicePolicy')).toEqual(['closed']);
    expect(directives('PrivateDevices')).toEqual(['yes']);
    expect(directives('CapabilityBoundingSet')).toEqual(['']);
  });

  it('runs central as a notify service with a watchdog, not restarted on a configuration error nor on a client id taken (79)', () => {
    const escaped = configFile.replace(/[.%]/g, (c) => `\\${c}`);
    expect(directives('ExecStart')[0]).toMatch(new RegExp(`bin/qrgate\\.js central run --config ${escaped}$`));
    expect(directives('Type')).toEqual(['notify']);
    expect(directives('WatchdogSec')).toEqual(['30']);
    expect(directives('Restart')).toEqual(['always']);
    expect(directives('RestartPreventExitStatus')).toEqual(['78 79']);
  });
});
