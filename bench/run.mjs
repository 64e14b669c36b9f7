// npm run bench [-- --quick] [-- --only=ingest,drain]: every figure of issue 8 against its raw limit measured in
// the same run; prints a table and writes bench-results.json. See docs/performance.md.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { postgresBin } from '../scripts/lib/postgres.mjs';
import { ROOT } from '../scripts/lib/util.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const SCENARIOS = [
  'decode',
  'ingest',
  'drain',
  'online',
  'footprint',
  'scale',
  'central',
  'central-fleet',
  'central-pg',
  'central-consumers',
];

function sh(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function machine() {
  const require = createRequire(import.meta.url);
  const db = new Database(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get();
  db.close();
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    sqlite,
    betterSqlite3: require('better-sqlite3/package.json').version,
    mqtt: require('mqtt/package.json').version,
    mosquitto: sh('/usr/sbin/mosquitto', ['-h']).split('\n')[0],
    postgres: postgresBin() === null ? 'not installed' : sh(`${postgresBin()}/postgres`, ['--version']),
    pg: require('pg/package.json').version,
    kernel: `${os.type()} ${os.release()}`,
    disk: sh('findmnt', ['-no', 'SOURCE,FSTYPE', '-T', os.tmpdir()]),
    tmpdir: os.tmpdir(),
    mode: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
  };
}

const fmt = (v) =>
  typeof v !== 'number' || !Number.isFinite(v)
    ? String(v ?? '')
    : Math.abs(v) >= 100
      ? v.toFixed(0)
      : Math.abs(v) >= 1
        ? v.toFixed(2)
        : v.toFixed(3);

function printTable(rows) {
  const head = ['name', 'value', 'unit', 'baseline', 'ratio', 'target', 'pass'];
  const cells = rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    fmt(r.baseline),
    fmt(r.ratio),
    r.target,
    r.info ? 'info' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) => c.map((x, i) => String(x).padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  for (const r of rows) if (r.note) console.log(`  ${r.pass ? '' : '[FAIL] '}${r.name}: ${r.note}`);
}

const started = Date.now();
const results = [];
const info = machine();
console.log(`qrgate bench (${info.mode}) on ${info.cpu}, ${info.cores} cores, node ${info.node}, SQLite ${info.sqlite}`);
for (const name of SCENARIOS.filter((s) => only === undefined || only.includes(s))) {
  const t = Date.now();
  process.stdout.write(`- ${name} … `);
  try {
    const { run } = await import(`./scenarios/${name}.mjs`);
    const rows = await run({ quick });
    results.push(...rows);
    console.log(`${((Date.now() - t) / 1000).toFixed(1)} s`);
  } catch (err) {
    console.log('failed');
    console.error(err);
    results.push({
      name: `${name}: scenario`,
      value: null,
      unit: '',
      baseline: null,
      ratio: null,
      target: 'runs',
      pass: false,
      note: String(err?.stack ?? err)
        .split('\n')
        .slice(0, 3)
        .join(' '),
    });
  }
}
console.log('');
printTable(results);
writeFileSync(new URL('bench-results.json', ROOT), `${JSON.stringify({ machine: info, results }, null, 2)}\n`);
const gated = results.filter((r) => !r.info);
console.log(
  `\nwrote bench-results.json (${gated.filter((r) => r.pass).length}/${gated.length} pass, ${results.length - gated.length} rows for information) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
// Misses are reported, not hidden; the exit status says whether every row passed.
process.exitCode = results.every((r) => r.pass) ? 0 : 1;
