/**
 * The `qrgate` command line. Exit status: 0 success, 1 the operation failed (a rejected scan, an unhealthy check),
 * 2 the command was called wrongly.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { centralCommand } from './central-command.js';
import { decodeCommand } from './decode-command.js';
import { doctorCommand } from './doctor-command.js';
import { hashPasswordCommand } from './hash-password-command.js';
import { provisionCommand } from './provision-command.js';
import { runCommand } from './run-command.js';
import { scannersCommand } from './scanners-command.js';
import { UsageError } from './usage-error.js';

export const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command('qrgate')
    .description('Gate check-in daemon: reads ID-card and health-insurance QR scans, records them, forwards them over MQTT')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addCommand(decodeCommand().exitOverride());
  program.addCommand(runCommand().exitOverride());
  program.addCommand(doctorCommand().exitOverride());
  program.addCommand(scannersCommand().exitOverride());
  program.addCommand(provisionCommand().exitOverride());
  program.addCommand(hashPasswordCommand().exitOverride());
  program.addCommand(exitOverrideAll(centralCommand()));
  return program;
}

/** commander's exitOverride is per command: nested subcommands need it too. */
function exitOverrideAll(cmd: Command): Command {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideAll(sub);
  return cmd;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" to commander; everything else it raises is a usage mistake.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`qrgate: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
