import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const UNIT = 'systemd/qrgate.service';
const text = readFileSync(new URL(`../../${UNIT}`, import.meta.url), 'utf8');

function analyze(args: string[]): { status: number | null; out: string } {
  const run = spawnSync('systemd-analyze', args, { encoding: 'utf8' });
  if (run.error) throw new Error(`systemd-analyze is missing (Debian package systemd): ${run.error.message}`);
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

const directives = (key: string): string[] => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] ?? '');

describe('systemd unit', () => {
  it('passes systemd-analyze verify', () => {
    const r = analyze(['verify', UNIT]);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  });

  it('has an exposure score under 2.0 in systemd-analyze security', () => {
    const r = analyze(['security', '--offline=true', UNIT]);
    const score = Number(/Overall exposure level for qrgate\.service: ([\d.]+)/.exec(r.out)?.[1]);
    expect(score).toBeLessThan(2.0);
  });

  it('is a notify service with a watchdog that restarts, except on a configuration error', () => {
    expect(directives('Type')).toEqual(['notify']);
    expect(directives('WatchdogSec')).toEqual(['30']);
    expect(directives('Restart')).toEqual(['always']);
    expect(directives('RestartPreventExitStatus')).toEqual(['78']);
    expect(directives('StateDirectory')).toEqual(['qrgate']);
    expect(directives('ConfigurationDirectory')).toEqual(['qrgate']);
  });

  it('grants only the scanner device nodes', () => {
    expect(directives('DevicePolicy')).toEqual(['closed']);
    expect(directives('DeviceAllow').sort()).toEqual([
      'char-hidraw rw',
      'char-input r',
      'char-ttyACM rw',
      'char-ttyAMA rw',
      'char-ttyUSB rw',
    ]);
  });

  it('gives the daemon no group that reads every keyboard, and bounds its descriptors, memory and tasks (issue 16, items 5 and 8)', () => {
    expect(directives('SupplementaryGroups')).toEqual(['dialout']);
    expect(directives('LimitNOFILE')).toEqual(['1024']);
    expect(directives('MemoryMax')).toEqual(['256M']);
    expect(directives('TasksMax')).toEqual(['64']);
  });

  describe('the provisioning-mode unit', () => {
    const PROVISION = 'systemd/qrgate-provision.service';
    const provision = readFileSync(new URL(`../../${PROVISION}`, import.meta.url), 'utf8');

    it('passes systemd-analyze verify and stays reasonably confined for a root oneshot', () => {
      expect(analyze(['verify', PROVISION])).toEqual({ status: 0, out: '' });
      const score = Number(
        /Overall exposure level for qrgate-provision\.service: ([\d.]+)/.exec(analyze(['security', '--offline=true', PROVISION]).out)?.[1],
      );
      expect(score).toBeLessThan(3.0);
    });

    it('runs only while the config is unusable and the enrolment key is present, before the daemon', () => {
      expect(provision).toMatch(
        /^ExecCondition=\/bin\/sh -c '! \/usr\/bin\/node \/opt\/qrgate\/bin\/qrgate\.js run --check --config \/etc\/qrgate\/config\.yaml/m,
      );
      expect(provision).toMatch(/^ConditionPathExists=\/etc\/qrgate\/enrolment\.key$/m);
      expect(provision).toMatch(/^Before=qrgate\.service$/m);
      expect(provision).toMatch(/^ExecStart=.*provision --from-scan/m);
      expect(provision).toMatch(/^TimeoutStartSec=infinity$/m);
    });
  });
});
