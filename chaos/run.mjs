// npm run chaos [-- --long] [-- --only=kill9,flap]: fault injection against the real daemon, broker, pty and
// filesystem, loopback only. Each scenario prints PASS/FAIL with its figures; exit status 1 if any failed.
import { setTimeout, clearTimeout } from 'node:timers';
import { killTracked } from '../scripts/lib/util.mjs';

const args = process.argv.slice(2);
const long = args.includes('--long');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const SCENARIOS = [
  'kill9',
  'backlog',
  'flap',
  'wipe',
  'halfopen',
  'diskfull',
  'readonly',
  'slowdisk',
  'replug',
  'clock',
  'sigterm',
  'damage',
  'central-kill9',
  'central-resend',
  'consumers-kill9',
  'consumers-wipe',
  'consumers-pgrestart',
  'consumers-late',
];
/** A scenario that overruns this is failed and its processes are killed. */
const BUDGET_MS = long ? 1_800_000 : 120_000;

const started = Date.now();
const outcomes = [];
for (const name of SCENARIOS.filter((s) => only === undefined || only.includes(s))) {
  const t = Date.now();
  let outcome;
  let timer;
  try {
    const { run } = await import(`./scenarios/${name}.mjs`);
    const overrun = new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`overran its ${BUDGET_MS / 1000} s budget`)), BUDGET_MS)),
    );
    outcome = await Promise.race([run({ long }), overrun]);
  } catch (err) {
    killTracked();
    outcome = {
      pass: false,
      figures: `error: ${String(err?.stack ?? err)
        .split('\n')
        .slice(0, 4)
        .join(' | ')}`,
    };
  } finally {
    clearTimeout(timer);
  }
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  outcomes.push({ name, ...outcome, seconds });
  console.log(`${outcome.pass ? 'PASS' : 'FAIL'}  ${name.padEnd(9)} ${seconds.padStart(6)} s  ${outcome.figures}`);
}
const failed = outcomes.filter((o) => !o.pass);
console.log(
  `\n${outcomes.length - failed.length}/${outcomes.length} scenarios passed in ${((Date.now() - started) / 1000).toFixed(0)} s (${long ? 'long' : 'short'} mode)`,
);
killTracked();
process.exit(failed.length === 0 ? 0 : 1);
