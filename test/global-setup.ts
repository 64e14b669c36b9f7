/**
 * Builds dist/ (and the bundle dist/qrgate.cjs) once before the suite, so tests that run `bin/qrgate.js` as a real process exercise the current
 * sources and not a stale build. Type errors do not stop the emit (noEmitOnError is off) and are `npm run check`'s
 * job, so they are shown here but do not abort the tests.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) process.stderr.write(`tsc reported errors (the build was still emitted):\n${run.stdout}${run.stderr}`);
  // The rest of `npm run build`: the status page's static files, which tsc does not emit.
  const copy = spawnSync(process.execPath, ['scripts/copy-assets.mjs'], { encoding: 'utf8' });
  if (copy.status !== 0) throw new Error(`copying the status page's files failed: ${copy.stderr}`);
  // And the bundle that bin/qrgate.js runs, so CLI tests exercise exactly what is installed.
  const bundle = spawnSync(process.execPath, ['scripts/bundle.mjs'], { encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(`bundling dist/qrgate.cjs failed: ${bundle.stderr}`);
}
