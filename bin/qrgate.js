#!/usr/bin/env node
// The installed entry point. The TypeScript is compiled to dist/ by `npm run build` (run by `npm ci` via prepare).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
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
