// Bundles the compiled CLI (dist/src/cli/main.js) and its pure-JS dependencies into one CommonJS file,
// dist/qrgate.cjs, which bin/qrgate.js runs through V8's code cache (bin/load-bundle.js). Why: resolving, reading and
// compiling ~900 separate modules was most of the daemon's start-up time (1.8 s → 0.85 s to "ready" here), and
// compiling the one file is most of what remained (docs/performance.md). CommonJS because only a classic script can
// be compiled with a code cache on Node 20. Native modules and the optional ones loaded lazily stay external and are
// resolved from node_modules at run time. Minified (3.0 -> 2.2 MB: less to read, hash and keep in the heap as source)
// but with keepNames, so stack traces in the journal still name functions; a source map sits next to the bundle.
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';

const EXTERNAL = [
  'better-sqlite3', // native
  '@serialport/bindings-cpp', // native (finds its prebuilt binary relative to its own folder)
  'node-hid', // native, optional, imported only for HID scanners
  'unix-dgram', // native, optional (sd_notify)
  'pg-native', // pg's optional libpq binding, which qrgate does not use (pg requires it only when asked for)
];

/**
 * fastify's server.js loads node:http2 at the top although only an `http2: true` server uses it. Loading it costs
 * ~3.5 MB of resident memory (the http2 internals of the node binary) on a kiosk whose budget is 80 MB: defer it
 * to the first property read.
 */
const lazyHttp2 = {
  name: 'lazy-http2',
  setup(b) {
    b.onResolve({ filter: /^node:http2$/ }, (args) =>
      /[\\/]fastify[\\/]lib[\\/]server\.js$/.test(args.importer) ? { path: 'lazy-http2', namespace: 'qrgate-shim' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'qrgate-shim' }, () => ({
      loader: 'js',
      contents: "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:http2'))[key] });",
    }));
  },
};

const root = new URL('../', import.meta.url);

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  plugins: [lazyHttp2],
  // The sources find files next to themselves through import.meta.url, which a CommonJS file does not have.
  define: { 'import.meta.url': '__qrgateModuleUrl' },
  banner: { js: "const __qrgateModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: [new URL('dist/src/cli/main.js', root).pathname],
  outfile: new URL('dist/qrgate.cjs', root).pathname,
});
// The backlog reader thread (src/forwarder/threaded-backlog.ts) starts from its own small bundle, found next to
// dist/qrgate.cjs: a worker does not share the main bundle's compiled code, and compiling 2.2 MB there would cost
// more than the thread saves.
await build({
  ...common,
  entryPoints: [new URL('dist/src/forwarder/backlog-thread.js', root).pathname],
  outfile: new URL('dist/backlog-thread.cjs', root).pathname,
});

// The status page's files, found next to the module that serves them (src/http/assets.ts): for the bundle, dist/.
const publicDir = new URL('dist/public/', root);
rmSync(publicDir, { recursive: true, force: true });
cpSync(new URL('src/http/public/', root), publicDir, { recursive: true });
// Central's fleet page (src/central/http-pages.ts) finds its files next to the bundle too: dist/public/fleet.*.
cpSync(new URL('src/central/public/', root), publicDir, { recursive: true });
// Central's SQLite writer thread (src/central/sqlite-writer.ts), for the same reason: central-writer.cjs beside the bundle.
await build({
  ...common,
  entryPoints: [new URL('dist/src/central/writer-thread.js', root).pathname],
  outfile: new URL('dist/central-writer.cjs', root).pathname,
});
