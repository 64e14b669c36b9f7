import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('runs headless for a few seconds with the embedded central, which stores the check-ins', async () => {
    const child = spawn(process.execPath, ['scripts/demo.mjs', '--duration', '5', '--rate', '600', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(out).toMatch(/status page : http:\/\/127\.0\.0\.1:\d+/);
    // --port 0 asks for free ports for both pages: the fleet page is not on its fixed default either.
    const fleetPort = Number(/fleet page {2}: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    expect(fleetPort).toBeGreaterThan(0);
    expect(fleetPort).not.toBe(8090);
    const arrived = out.match(/central ✓ stored check-in #\d+/g) ?? [];
    expect(arrived.length).toBeGreaterThanOrEqual(10);
    // Only masked identities are printed.
    expect(out).not.toMatch(/\b\d{12}\b/);
    expect(out).toMatch(/demo stopped: \d+ check-in\(s\) stored by central/);
  }, 30_000);
});
