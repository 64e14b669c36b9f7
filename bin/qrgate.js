#!/usr/bin/env node
// The installed entry point: the bundled CLI (dist/qrgate.mjs), built by `npm run build` (run by `npm ci` via
// prepare). One file to load instead of hundreds of modules is what makes the daemon start fast.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/qrgate.mjs', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('qrgate: not built yet: run `npm run build` (or `npm ci`) in the qrgate folder first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`qrgate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
}
