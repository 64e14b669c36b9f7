/** Checks of the kiosk itself: store folder and disk, key file, clock, scanners. */
import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScannerEntry } from '../../drivers/config.js';
import { findByMatch } from '../../drivers/discovery.js';
import type { Config } from '../config/schema.js';
import { fail, ok, warn, type Finding } from './check.js';

const MB = 1024 * 1024;

export function checkStore(config: Config): Finding[] {
  const dir = dirname(config.store.path);
  const out: Finding[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    out.push(ok('store folder', `${dir} is writable`));
  } catch (err) {
    return [
      fail(
        'store folder',
        `${dir} is not writable: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        `create it and give it to the service user: install -d -o qrgate -g qrgate -m 0750 ${dir}`,
      ),
    ];
  }
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  const freeMb = Math.round(free / MB);
  if (free < 20 * MB)
    out.push(
      fail(
        'disk space',
        `${freeMb} MiB free where the store lives`,
        'free space on the SD card (old logs: journalctl --vacuum-size=50M) — with a full disk, scans are refused',
        'E_STORE_FULL',
      ),
    );
  else if (free < 200 * MB)
    out.push(
      warn(
        'disk space',
        `only ${freeMb} MiB free where the store lives`,
        'free space on the SD card before it fills (journalctl --vacuum-size=50M)',
      ),
    );
  else out.push(ok('disk space', `${freeMb} MiB free`));
  if (existsSync(config.store.path)) {
    try {
      const db = new Database(config.store.path, { readonly: true, fileMustExist: true });
      const result = db.pragma('integrity_check', { simple: true });
      db.close();
      out.push(
        result === 'ok'
          ? ok('store integrity', 'integrity_check ok')
          : fail(
              'store integrity',
              `integrity_check: ${String(result)}`,
              'stop the service and start it again: a damaged database is moved aside, a fresh one started, and its readable unsent check-ins taken over',
              'E_STORE_CORRUPT',
            ),
      );
    } catch (err) {
      out.push(
        fail(
          'store integrity',
          `cannot open the database: ${(err as Error).message}`,
          'restart the service: a database that cannot be opened is moved aside and a fresh one started (see E_STORE_CORRUPT in docs/operations.md)',
          'E_STORE_CORRUPT',
        ),
      );
    }
  } else {
    out.push(ok('store integrity', 'no database yet; it is created on first start'));
  }
  return out;
}

/** Whether the presence settings let people stay on the inside list across days (issue 16: nobody inside for ever). */
export function checkPresence(config: Config): Finding {
  if (config.checkout.at !== 'never') return ok('presence', `everyone still inside is checked out automatically at ${config.checkout.at}`);
  const canLeave = config.scanners.some((s) => s.direction === 'out' || s.direction === 'toggle');
  const days = config.store.retentionDays;
  const message = canLeave
    ? `checkout.at is "never": whoever does not scan out stays on the inside list across days, up to ${days} days (store.retentionDays)`
    : `checkout.at is "never" and no scanner checks out (direction out or toggle): everyone stays on the inside list across days, until their check-in expires after ${days} days`;
  return warn(
    'presence',
    message,
    'set checkout.at (e.g. "23:59", the default) so the day ends with everyone checked out, or give a scanner direction: out or toggle',
  );
}

export function checkClock(config: Config): Finding {
  if (config.clock.synced !== 'auto') return ok('clock', `clock.synced is set to ${String(config.clock.synced)} in the config`);
  return existsSync(config.clock.markerFile)
    ? ok('clock', 'synchronised by systemd-timesyncd')
    : warn(
        'clock',
        `not synchronised (no ${config.clock.markerFile}); check-ins are marked clockSynced: false`,
        'enable time sync: timedatectl set-ntp true, and make sure the kiosk can reach an NTP server (a Pi has no battery clock)',
      );
}

async function devicePath(entry: ScannerEntry): Promise<string | null> {
  if (entry.type === 'simulated') return null;
  if (entry.path !== undefined) return entry.path;
  if (entry.match === undefined) return null;
  const found = await findByMatch(entry.match, entry.type === 'serial' ? 'serial' : entry.type === 'hid' ? 'hidraw' : 'input');
  return found?.devPath ?? null;
}

export async function checkScanners(config: Config, udevRule = '/etc/udev/rules.d/99-qrgate.rules'): Promise<Finding[]> {
  if (config.scanners.length === 0)
    return [
      warn(
        'scanners',
        'no scanner configured',
        'list the candidates with `qrgate scanners` and add one under scanners: (or run qrgate provision)',
      ),
    ];
  const out: Finding[] = [];
  for (const entry of config.scanners) out.push(await checkScanner(entry, udevRule));
  if (config.scanners.some((s) => s.type !== 'simulated') && !existsSync(udevRule)) {
    out.push(
      warn(
        'udev rule',
        `${udevRule} is not installed`,
        'install it (scripts/install.sh does): it gives the service access to scanners and stops ModemManager probing CDC scanners',
      ),
    );
  }
  return out;
}

async function checkScanner(entry: ScannerEntry, udevRule: string): Promise<Finding> {
  const name = `scanner ${entry.id}`;
  if (entry.type === 'simulated')
    return warn(name, 'simulated scanner: its scans are not real visitors', 'use a serial, hid or evdev scanner in production');
  const path = await devicePath(entry);
  if (path === null || !existsSync(path)) {
    const where = entry.path ?? `USB ${entry.match?.vendorId}:${entry.match?.productId}`;
    return fail(
      name,
      `${where} is not present`,
      'plug the scanner in and check its cable; `qrgate scanners` lists what is connected',
      'E_DEVICE_GONE',
    );
  }
  try {
    accessSync(path, entry.type === 'evdev' ? constants.R_OK : constants.R_OK | constants.W_OK);
    return ok(name, `${path} is present and readable`);
  } catch {
    return fail(
      name,
      `${path} exists but cannot be opened by this user`,
      `install the udev rule (${udevRule}: sudo udevadm control --reload && sudo udevadm trigger) so the node belongs to the qrgate group (a scanner of an unlisted maker: add its vendor id to the rule, docs/scanners.md)`,
      'E_PERMISSION',
    );
  }
}
