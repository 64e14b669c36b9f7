// Writes docs/codes.md from the one code catalog (src/core/codes.ts; run after `npm run build`), like fastify's
// errors table: code, layer, HTTP status where the API returns it, Vietnamese and English text. `--check` compares.
import { readFileSync, writeFileSync } from 'node:fs';

const { CATALOG } = await import(new URL('../dist/src/core/codes.js', import.meta.url).href);
const file = new URL('../docs/codes.md', import.meta.url);

const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
const LAYERS = {
  decode: 'the payload decoders (src/decode): rejections (`E_`) and warnings (`W_`)',
  store: 'the durable store on the kiosk (src/store)',
  mqtt: 'the link to the central broker (src/forwarder)',
  provision: '`qrgate provision`',
  status: 'states shown on the status page (`S_`)',
  http: 'the local API (src/http): the body is `{ code, vi, en, detail? }`',
  daemon: 'the daemon setting itself up (configuration, the status page server)',
  driver: 'scanner drivers (drivers/), in scanner `state` events',
  central: 'qrgate central about itself (docs/central.md); its API answers with the http codes',
};

const out = [
  '# Codes',
  '',
  'Generated from `src/core/codes.ts` by `npm run docs:codes`; a test fails when they differ. Every stable code qrgate',
  'shows, logs or sends, in one table. The code is the contract: tests, the status page and MQTT consumers branch on',
  'it; the texts may be reworded. No text ever contains payload data.',
  '',
  'Codes that stop the daemon with exit 78 (systemd does not restart it): `E_CONFIG`, `E_STORE_KEY`, `E_STORE_VERSION`.',
  '',
];
for (const [layer, what] of Object.entries(LAYERS)) {
  const rows = CATALOG.filter((e) => e.layer === layer);
  if (rows.length === 0) continue;
  out.push(`## ${layer}`, '', `From ${what}.`, '', '| code | HTTP | English | Tiếng Việt |', '|---|---|---|---|');
  for (const e of rows) out.push(`| \`${e.code}\` | ${e.status ?? ''} | ${cell(e.en)} | ${cell(e.vi)} |`);
  out.push('');
}
const text = out.join('\n');

if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8');
  if (current !== text) {
    console.error('docs/codes.md differs from the catalog: run `npm run docs:codes`');
    process.exit(1);
  }
  console.log('docs/codes.md matches the catalog');
} else {
  writeFileSync(file, text);
  console.log('wrote docs/codes.md');
}
