import { Command } from 'commander';
import type { Finding } from '../doctor/check.js';
import { systemClock } from '../core/clock.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { DEFAULT_CONFIG } from './run-command.js';

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

function render(findings: readonly Finding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length));
  const lines = findings.map((f) => {
    const head = `${MARK[f.verdict]}  ${f.check.padEnd(width)}  ${f.message}${f.code ? ` [${f.code}]` : ''}`;
    return f.fix === undefined ? head : `${head}\n      ${' '.repeat(width)}  fix: ${f.fix}`;
  });
  const failed = findings.filter((f) => f.verdict === 'fail').length;
  const warned = findings.filter((f) => f.verdict === 'warn').length;
  lines.push(
    '',
    failed > 0 ? `${failed} problem(s) to fix, ${warned} warning(s).` : warned > 0 ? `No problem; ${warned} warning(s).` : 'All is well.',
  );
  return `${lines.join('\n')}\n`;
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check this kiosk (config, store, disk, the files the daemon opens — as its service user when run as root —, clock, presence, scanners, broker, certificates) and explain each problem with a fix',
    )
    .option('-c, --config <file>', `configuration file (default: $QRGATE_CONFIG or ${DEFAULT_CONFIG})`)
    .option('--json', 'print the findings as JSON')
    .option('--strict', 'exit 1 on warnings too')
    .addHelpText('after', '\nExit status: 0 all is well (warnings allowed unless --strict), 1 at least one problem, 2 usage error.')
    .action(async (flags: { config?: string; json?: boolean; strict?: boolean }) => {
      const findings = await runDoctor({ configFile: flags.config ?? process.env.QRGATE_CONFIG ?? DEFAULT_CONFIG, clock: systemClock });
      process.stdout.write(flags.json ? `${JSON.stringify(findings, null, 2)}\n` : render(findings));
      const bad = findings.some((f) => f.verdict === 'fail' || (flags.strict === true && f.verdict === 'warn'));
      process.exitCode = bad ? 1 : 0;
    });
}
