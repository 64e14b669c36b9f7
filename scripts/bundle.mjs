// Bundles the compiled CLI (dist/src/cli/main.js) and its pure-JS dependencies into one ESM file, dist/qrgate.mjs,
// which bin/qrgate.js runs. Why: resolving, reading and compiling ~900 separate modules was most of the daemon's
// start-up time (1.8 s → 0.85 s to "ready" here, docs/performance.md). Native modules and the optional ones loaded
// lazily stay external and are resolved from node_modules at run time. Identifiers are kept, so stack traces in the
// journal still name functions; a source map sits next to the bundle.
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';

const EXTERNAL = [
  'better-sqlite3', // native
  '@serialport/bindings-cpp', // native (finds its prebuilt binary relative to its own folder)
  'node-hid', // native, optional, imported only for HID scanners
  'unix-dgram', // native, optional (sd_notify)
];

const root = new URL('../', import.meta.url);
const out = new URL('dist/qrgate.mjs', root);

await build({
  entryPoints: [new URL('dist/src/cli/main.js', root).pathname],
  outfile: out.pathname,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: EXTERNAL,
  // Bundled CommonJS dependencies call require(); an ES module has none, so give it one.
  banner: { js: "import { createRequire as __qrgateRequire } from 'node:module'; const require = __qrgateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
});

// The status page's files, found next to the module that serves them (src/http/assets.ts): for the bundle, dist/.
const publicDir = new URL('dist/public/', root);
rmSync(publicDir, { recursive: true, force: true });
cpSync(new URL('src/http/public/', root), publicDir, { recursive: true });
