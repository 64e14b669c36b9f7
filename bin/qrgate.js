#!/usr/bin/env node
// The installed entry point: the bundled CLI (dist/qrgate.cjs), built by `npm run build` (run by `npm ci` via
// prepare). One file to load instead of hundreds of modules, compiled from V8's code cache (./load-bundle.js), is
// what makes the daemon start fast.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './load-bundle.js';

const entry = fileURLToPath(new URL('../dist/qrgate.cjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('qrgate: not built yet: run `npm run build` (or `npm ci`) in the qrgate folder first\n');
  process.exit(2);
}
const { main } = loadBundle(entry);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`qrgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
