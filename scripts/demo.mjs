#!/usr/bin/env node
// The whole flow on any machine, with no hardware and no broker: an embedded MQTT broker (aedes) standing in for
// the agency's central one, a simulated scanner producing synthetic visitors (CCCD, BHYT and some bad scans), the
// real daemon with its store and status page, and a small central subscriber printing what arrives.
//
//   npm run demo                      runs until Ctrl-C
//   npm run demo -- --duration 20     stops by itself after 20 s
//   options: --rate <scans per minute> (default 20)  --port <status page port> (default 8080, any free one if busy)
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const dist = (p) => new URL(`../dist/src/${p}`, import.meta.url).href;
const { App } = await import(dist('app.js'));
const { resolveConfig } = await import(dist('config/load.js'));
const { createLogger } = await import(dist('logger.js'));
const { maskName, maskNumber } = await import(dist('http/mask.js'));
const { describeCode } = await import(dist('codes.js'));

const { values: opts } = parseArgs({
  options: { duration: { type: 'string' }, rate: { type: 'string', default: '20' }, port: { type: 'string', default: '8080' } },
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
const broker = await Aedes.createBroker();
const brokerServer = createServer(broker.handle);
const brokerPort = await listenOn(brokerServer, 0);
const brokerUrl = `mqtt://127.0.0.1:${brokerPort}`;

const site = 'demo-office';
const device = 'demo-kiosk';
const central = await mqtt.connectAsync(brokerUrl, { clientId: 'demo-central' });
let delivered = 0;
central.on('message', (topic, payload) => {
  const m = JSON.parse(payload.toString('utf8'));
  const time = typeof m.scannedAt === 'string' ? m.scannedAt.slice(11, 19) : '';
  if (topic.endsWith('/checkins')) {
    delivered += 1;
    const d = m.document;
    const who = `${maskName(d.name) ?? '—'}  ${maskNumber(d.number)}`;
    console.log(`central ← check-in #${m.seq}  ${m.direction === 'in' ? 'IN ' : 'OUT'}  ${d.type.padEnd(9)} ${who}  (${m.scanner} ${time})${m.warnings.length ? `  ⚠ ${m.warnings.join(',')}` : ''}`);
  } else if (topic.endsWith('/rejects')) {
    console.log(`central ← rejected  ${m.code}  ${describeCode(m.code, 'en')}  (${m.scanner} ${time})`);
  } else if (topic.endsWith('/status')) {
    console.log(`central ← kiosk ${m.state}${m.version ? ` (qrgate ${m.version})` : ''}`);
  }
});
await central.subscribeAsync(`qrgate/${site}/${device}/+`, { qos: 1 });

const wantedPort = Number(opts.port);
const { config } = resolveConfig(
  {
    device: { id: device, site },
    store: { path: join(dir, 'qrgate.db'), keyFile: join(dir, 'store.key') },
    scanners: [{ id: 'gate-1', type: 'simulated', source: 'generate', ratePerMinute: Number(opts.rate), badScanRatio: 0.15, seed: Date.now() % 100000 }],
    clock: { synced: true },
    http: { host: '127.0.0.1', port: (await portFree(wantedPort)) ? wantedPort : 0 },
    mqtt: { url: brokerUrl },
    log: { level: 'warn' },
  },
  {},
);
const app = new App(config, { logger: createLogger('warn') });
await app.start();

console.log('');
console.log('qrgate demo is running (synthetic visitors only; no real data).');
console.log(`  status page : ${app.httpAddress ?? `http://127.0.0.1:${config.http.port}/`}`);
console.log(`  broker      : ${brokerUrl} (embedded aedes, standing in for the agency's central broker)`);
console.log(`  store       : ${dir}`);
console.log(`  ${opts.duration ? `stops after ${opts.duration} s` : 'press Ctrl-C to stop'}`);
console.log('');

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await app.stop();
  await central.endAsync(true);
  await new Promise((r) => broker.close(r));
  await new Promise((r) => brokerServer.close(r));
  rmSync(dir, { recursive: true, force: true });
  console.log(`\ndemo stopped: ${delivered} check-in(s) delivered to the central subscriber.`);
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
if (opts.duration) setTimeout(() => void stop(0), Number(opts.duration) * 1000).unref();
