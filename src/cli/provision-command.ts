import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { createDriver } from '../../drivers/index.js';
import { describeCode } from '../core/codes.js';
import { DEFAULT_KEY_FILE } from '../provision/enrolment-key.js';
import { ProvisionError } from '../provision/errors.js';
import { runFromScan, runMakeKey, runMakeQr, runProvision, type ProvisionFlags } from './provision-modes.js';
import { SCANNER_TYPES } from '../provision/scanner-entry.js';
import { DEFAULT_CONFIG } from './run-command.js';
import { UsageError } from './usage-error.js';

export function provisionCommand(): Command {
  return new Command('provision')
    .description(
      'write this kiosk’s configuration: by questions, from flags (fleets), or from a scanned provisioning QR; checks the broker and scanner before saving',
    )
    .option('-c, --config <file>', `configuration file (default: $QRGATE_CONFIG or ${DEFAULT_CONFIG})`)
    .option('--device-id <id>', 'this kiosk’s id (device.id)')
    .option('--site <site>', 'the site it stands at (device.site)')
    .option('--mqtt-url <url>', 'central broker, e.g. mqtts://broker.example.gov.vn:8883 ("none" removes it)')
    .option('--mqtt-username <user>', 'broker user name ("none" removes it)')
    .option('--mqtt-password-file <file>', 'file holding the broker password (mqtt.passwordFile); with --mqtt-password-stdin it is written')
    .option('--mqtt-password-stdin', 'read the broker password from standard input and write it to the password file (mode 0600)')
    .option('--mqtt-ca <file>', 'PEM CA of the broker (mqtt.ca; "none" removes it)')
    .option('--mqtt-cert <file>', 'PEM client certificate (mqtt.cert; "none" removes it)')
    .option('--mqtt-key <file>', 'PEM client key (mqtt.key; "none" removes it)')
    .option('--scanner-path <path>', 'the scanner device (prefer /dev/serial/by-id/… or /dev/qrgate/…)')
    .addOption(new Option('--scanner-type <type>', 'its driver (default: from the path)').choices(SCANNER_TYPES))
    .option('--scanner-id <id>', 'its id in the config', 'gate')
    .option('--test-scan', 'wait for one scan on each scanner before saving (nothing is recorded)')
    .option('--no-check', 'save without testing the broker and the scanner')
    .option('--check-timeout <seconds>', 'how long to wait for the broker', '5')
    .option('-y, --yes', 'do not ask for confirmation before saving')
    .addOption(
      new Option('--lang <lang>', 'language of the questions (default: vi when LANG is Vietnamese, else en)').choices(['vi', 'en']),
    )
    .option('--dry-run', 'show the changes and run the checks, save nothing')
    .option('--make-qr', 'make a provisioning QR (on the technician’s laptop) for --site, --device-id, --mqtt-url')
    .option('--out <file.png>', 'with --make-qr: also write the QR as a PNG')
    .option('--text', 'with --make-qr: print the QR’s text instead of drawing it')
    .option('--expires <duration>', 'with --make-qr: lifetime of the QR, e.g. 30m, 24h, 7d (max 30d)', '24h')
    .option('--make-key', 'create a new enrolment key file (--key-file) to share between laptop and kiosks')
    .option('--key-file <file>', `enrolment key (default: $QRGATE_ENROLMENT_KEY or ${DEFAULT_KEY_FILE})`)
    .option('--from-scan', 'provisioning mode: wait for a provisioning QR on the scanner and configure from it')
    .option('--timeout <duration>', 'with --from-scan: give up after this long (default: wait forever)')
    .option('--state-dir <dir>', 'with --from-scan: where used QRs are remembered (default: the folder of store.path)')
    .addHelpText(
      'after',
      [
        '',
        'Interactive when standard input is a terminal and no setting was given as a flag (or device id / site are missing).',
        'Exit status: 0 saved (or nothing to change), 1 failed (a code E_PROVISION_* says why; nothing was saved), 2 usage error.',
        'See docs/provisioning.md.',
      ].join('\n'),
    )
    .action(async (flags: ProvisionFlags) => {
      const modes = [flags.makeQr, flags.makeKey, flags.fromScan].filter(Boolean).length;
      if (modes > 1) throw new UsageError('--make-qr, --make-key and --from-scan are separate modes: give one');
      const configFile = flags.config ?? process.env.QRGATE_CONFIG ?? DEFAULT_CONFIG;
      const keyFile = flags.keyFile ?? process.env.QRGATE_ENROLMENT_KEY ?? DEFAULT_KEY_FILE;
      try {
        if (flags.makeKey) runMakeKey(keyFile);
        else if (flags.makeQr) await runMakeQr(flags, keyFile, readStdin);
        else if (flags.fromScan) await runFromScan(flags, configFile, keyFile, createDriver);
        else process.exitCode = await runProvision(flags, configFile, readStdin, createDriver);
      } catch (err) {
        if (!(err instanceof ProvisionError)) throw err;
        process.stderr.write(`qrgate: ${err.code}: ${err.message}\n  ${describeCode(err.code, 'vi')}\n`);
        process.exitCode = 1;
      }
    });
}

function readStdin(): string {
  return readFileSync(0, 'utf8');
}
