/** `qrgate scanners` as a real process (dist/ is built by the global setup) against a fake /sys + /dev. */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFakeTree, type FakeTree } from '../fixtures/fake-sysfs.js';

const BIN = fileURLToPath(new URL('../../bin/qrgate.js', import.meta.url));
const trees: FakeTree[] = [];
afterAll(() => trees.forEach((t) => rmSync(t.root, { recursive: true, force: true })));

function run(args: string[], tree: FakeTree) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, QRGATE_SYSFS_ROOT: tree.sysfs, QRGATE_DEV_ROOT: tree.dev },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Listed {
  scanners: Array<{
    kind: string;
    name: string;
    driver: string;
    vendorId: string;
    productId: string;
    stablePath: string | null;
    known: { vendor: string } | null;
  }>;
  hints: string[];
}

describe('qrgate scanners', () => {
  it('--json lists the fake devices with ids, stable path, driver and vendor', () => {
    const tree = buildFakeTree();
    trees.push(tree);
    const r = run(['scanners', '--json'], tree);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Listed;
    expect(out.scanners.map((s) => [s.name, s.driver, `${s.vendorId}:${s.productId}`])).toEqual([
      ['ttyACM0', 'serial', '0c2e:0cd4'],
      ['ttyUSB0', 'serial', '1a86:7523'],
      ['hidraw0', 'hid', '05e0:1300'],
      ['hidraw1', 'hid', '046d:c31c'],
      ['event2', 'evdev', '046d:c31c'],
      ['event3', 'evdev', '05e0:1200'],
    ]);
    expect(out.scanners[0]!.stablePath).toContain('/serial/by-id/');
    expect(out.scanners[2]!.known?.vendor).toMatch(/Zebra/);
    expect(out.hints.length).toBeGreaterThan(0);
  });

  it('prints a readable list by default', () => {
    const tree = buildFakeTree();
    trees.push(tree);
    const r = run(['scanners'], tree);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Found 6 candidate devices/);
    expect(r.stdout).toContain('0c2e:0cd4');
    expect(r.stdout).toMatch(/driver: hid \(pos\)/);
    expect(r.stdout).toMatch(/probably not a scanner/);
  });

  it('with no devices at all says so, with hints, and exits 0', () => {
    const tree = buildFakeTree({ empty: true });
    trees.push(tree);
    const text = run(['scanners'], tree);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^No scanners found\./);
    expect(text.stdout).toMatch(/Hints:/);
    const json = JSON.parse(run(['scanners', '--json'], tree).stdout) as Listed;
    expect(json.scanners).toEqual([]);
    expect(json.hints.some((h) => h.includes('lsusb'))).toBe(true);
  });

  it('rejects an unknown option with exit 2', () => {
    const tree = buildFakeTree({ empty: true });
    trees.push(tree);
    expect(run(['scanners', '--bogus'], tree).status).toBe(2);
  });
});
