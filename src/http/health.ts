/**
 * Whether each enabled subsystem works. A subsystem that is not configured (no broker, no scanner) is healthy:
 * a kiosk that records locally by design must not look broken (the zwave-js-ui#469 lesson).
 */
import type { HttpDeps } from './deps.js';
import type { HealthView } from './schemas.js';

export const SUBSYSTEMS = ['store', 'scanners', 'mqtt'] as const;
export type Subsystem = (typeof SUBSYSTEMS)[number];

/** The store refuses scans at maxPending; warn a little before, while there is still time to act. */
const PENDING_LIMIT_SHARE = 0.95;

type Check = HealthView['checks'][Subsystem];

function storeCheck(deps: HttpDeps): Check {
  const { maxPending, maxSizeMB } = deps.config.store;
  try {
    const pending = deps.store.pendingCount();
    if (deps.config.mqtt.url !== undefined && pending >= maxPending * PENDING_LIMIT_SHARE)
      return { ok: false, detail: `${pending} of at most ${maxPending} check-ins waiting for the broker` };
    const bytes = deps.store.sizeBytes();
    if (maxSizeMB !== undefined && bytes >= maxSizeMB * 1024 * 1024 * PENDING_LIMIT_SHARE)
      return { ok: false, detail: `database ${bytes} bytes, limit ${maxSizeMB} MiB` };
    deps.store.lastSeq(); // a read through SQLite, so a closed or broken database fails here
    return { ok: true, detail: `${pending} pending, ${bytes} bytes` };
  } catch (err) {
    return { ok: false, detail: `store unreadable: ${(err as Error).message}` };
  }
}

function scannersCheck(deps: HttpDeps): Check {
  const scanners = deps.scanners();
  if (scanners.length === 0) return { ok: true, detail: 'no scanners configured' };
  const down = scanners.filter((s) => s.state !== 'connected');
  if (down.length === 0) return { ok: true, detail: `${scanners.length} connected` };
  return { ok: false, detail: down.map((s) => `${s.scannerId}: ${s.state === 'error' ? s.code : s.state}`).join('; ') };
}

function mqttCheck(deps: HttpDeps): Check {
  const f = deps.forwarder.status();
  if (f.state === 'disabled') return { ok: true, detail: 'no broker configured (recording locally)' };
  if (f.state === 'connected') return { ok: true, detail: `connected since ${f.since}` };
  return { ok: false, detail: `${f.state} since ${f.since}${f.lastError === null ? '' : ` (${f.lastError.code})`}` };
}

export function checkHealth(deps: HttpDeps): HealthView {
  const checks = { store: storeCheck(deps), scanners: scannersCheck(deps), mqtt: mqttCheck(deps) };
  const failing = SUBSYSTEMS.filter((s) => !checks[s].ok);
  return { status: failing.length === 0 ? 'ok' : 'fail', failing, checks };
}
