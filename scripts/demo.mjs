#!/usr/bin/env node
// The whole flow on any machine, with no hardware and no external service: qrgate central (embedded MQTT broker,
// SQLite storage and the fleet page) standing in for the agency's central side, a simulated scanner producing
// synthetic visitors (CCCD, BHYT and some bad scans), and the real kiosk daemon with its store and status page. Each
// check-in is printed when central has stored it (the kiosk's PUBACK comes only after central's commit).
//
//   npm run demo                      runs until Ctrl-C
//   npm run demo -- --duration 20     stops by itself after 20 s
//   options: --rate <scans per minute> (default 20)  --port <status page port> (default 8080, any free one if busy)
//            --central-port <fleet page port> (default 8090, any free one if busy; with --port 0, any free one)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
const { App } = await import(dist('app.js'));
const { resolveConfig } = await import(dist('config/load.js'));
const { createLogger } = await import(dist('logger.js'));
const { maskName, maskNumber } = await import(dist('http/mask.js'));
const { describeCode } = await import(dist('core/codes.js'));
const { CentralApp } = await import(dist('central/app.js'));
const { resolveCentralConfig } = await import(dist('central/config-load.js'));
const { hashKioskPassword, newKioskPassword } = await import(dist('central/kiosk-credentials.js'));
const { hashPassword } = await import(dist('http/auth/password.js'));

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string' },
    rate: { type: 'string', default: '20' },
    port: { type: 'string', default: '8080' },
    'central-port': { type: 'string' },
  },
});

function listenOn(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function portFree(port) {
  const probe = createServer();
  try {
    await listenOn(probe, port);
    return true;
  } catch {
    return false;
  } finally {
    probe.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'qrgate-demo-'));
const site = 'demo-office';
const device = 'demo-kiosk';
const wantedPort = Number(opts.port);
// --port 0 (a test, a second demo beside a first) asks for free ports: the fleet page's too, unless given.
const wantedCentralPort = Number(opts['central-port'] ?? (wantedPort === 0 ? 0 : 8090));
const centralConfig = resolveCentralConfig(
  {
    broker: { listen: { host: '127.0.0.1', port: 0 } },
    store: { path: join(dir, 'central.db'), keyFile: join(dir, 'central.key') },
    http: { host: '127.0.0.1', port: (await portFree(wantedCentralPort)) ? wantedCentralPort : 0 },
    log: { level: 'warn' },
  },
  {},
);
const central = await CentralApp.open(centralConfig, { logger: createLogger('warn') });
// As `qrgate central kiosk add` and `qrgate central user add` would: the kiosk's MQTT password, a tracer login.
const kioskPassword = newKioskPassword();
await central.store.setKioskPassword({ site, device }, hashKioskPassword(kioskPassword), Date.now());
await central.store.setUser('demo', 'tracer', await hashPassword('demo-password'), Date.now());
writeFileSync(join(dir, 'mqtt.password'), kioskPassword, { mode: 0o600 });
await central.start();
const brokerUrl = central.brokerUrl;

const { config } = resolveConfig(
  {
    device: { id: device, site },
    store: { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key') },
    scanners: [
      {
        id: 'gate-1',
        type: 'simulated',
        source: 'generate',
        ratePerMinute: Number(opts.rate),
        badScanRatio: 0.15,
        seed: Date.now() % 100000,
      },
    ],
    clock: { synced: true },
    http: { host: '127.0.0.1', port: (await portFree(wantedPort)) ? wantedPort : 0 },
    mqtt: { url: brokerUrl, username: `${site}/${device}`, passwordFile: join(dir, 'mqtt.password') },
    log: { level: 'warn' },
  },
  {},
);
const app = App.open(config, { logger: createLogger('warn') });
// What central stored, printed when the kiosk hears central's acknowledgement (sent after central's commit).
const committed = new Map();
let delivered = 0;
app.pipeline.on('checkin', (c) => {
  const d = c.document;
  committed.set(
    c.seq,
    `#${c.seq}  ${c.direction === 'in' ? 'IN ' : 'OUT'}  ${d.type.padEnd(9)} ${maskName(d.name) ?? '—'}  ${maskNumber(d.number)}  (${c.scanner} ${c.scannedAt.slice(11, 19)})${c.warnings.length ? `  ⚠ ${c.warnings.map((w) => w.code).join(',')}` : ''}`,
  );
});
app.pipeline.on('reject', (r) => console.log(`kiosk   ✗ rejected  ${r.code}  ${describeCode(r.code, 'en')}  (${r.scanner})`));
app.forwarder.on('delivered', (d) => {
  if (d.kind !== 'checkin') return;
  delivered += 1;
  console.log(`central ✓ stored check-in ${committed.get(d.seq) ?? `#${d.seq}`}`);
  committed.delete(d.seq);
});
await app.start();

console.log('');
console.log('qrgate demo is running (synthetic visitors only; no real data).');
console.log(`  status page : ${app.httpAddress ?? `http://127.0.0.1:${config.http.port}/`}`);
console.log(`  fleet page  : ${central.httpAddress} (qrgate central; log in as demo / demo-password, a tracer)`);
console.log(`  broker      : ${brokerUrl} (central's embedded broker; the kiosk logs in as ${site}/${device})`);
console.log(`  store       : ${dir}`);
console.log(`  ${opts.duration ? `stops after ${opts.duration} s` : 'press Ctrl-C to stop'}`);
console.log('');

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await app.stop();
  await central.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\ndemo stopped: ${delivered} check-in(s) stored by central.`);
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
if (opts.duration) setTimeout(() => void stop(0), Number(opts.duration) * 1000).unref();
