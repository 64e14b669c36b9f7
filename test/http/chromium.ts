/** Debian's Chromium driven by playwright-core. Missing Chromium fails the test, naming the script that installs it. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.QRGATE_CHROMIUM ?? '/usr/bin/chromium';

// No internet on test machines: without the background-networking switches Chromium floods refused connections.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // As the kiosk runs it (docs/http.md): the scan tones play without a click first.
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * The browser runs without libfaketime (the suite's shifted-clock runs preload it into every process): Chromium's
 * processes hang at start under it. The page shows the daemon's times, which stay shifted.
 */
function browserEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && e[0] !== 'LD_PRELOAD' && !e[0].startsWith('FAKETIME'),
    ),
  );
}

export async function launchChromium(
  viewport = { width: 1920, height: 1080 },
  /** The browser's own zone (an IANA name): the kiosk page must not depend on it. Default: the machine's. */
  timezoneId?: string,
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the browser tests need it. Install it with "sudo bash scripts/test-deps.sh" (Debian package chromium), or set QRGATE_CHROMIUM.`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'qrgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport,
    env: browserEnv(),
    ...(timezoneId === undefined ? {} : { timezoneId }),
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
