import { Command, InvalidArgumentError, Option } from 'commander';
import { systemClock } from '../core/clock.js';
import { describeCode, type Lang } from '../core/codes.js';
import { DEFAULT_TIME_ZONE, isValidTimeZone, TimeZone } from '../core/zone.js';
import { decodeScan } from '../decode/index.js';
import { renderResult } from './render-result.js';
import { UsageError } from './usage-error.js';

function parseInstant(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time, e.g. 2026-11-22T09:30:00+07:00');
  return at;
}

function parseZone(value: string): TimeZone {
  if (!isValidTimeZone(value)) throw new InvalidArgumentError('expected an IANA time zone, e.g. Asia/Ho_Chi_Minh');
  return new TimeZone(value);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface DecodeFlags {
  readonly json?: boolean;
  readonly at?: Date;
  readonly timeZone: TimeZone;
  readonly lang: Lang;
}

export function decodeCommand(): Command {
  return new Command('decode')
    .description('decode one scanned payload and show the identity it holds, or why it is rejected')
    .argument('[payload]', 'the payload text; read from standard input (as raw bytes) when "-" or absent')
    .option('--json', "print exactly the decoder's result object as JSON")
    .option('--at <time>', 'the scan time for expiry and date checks (ISO 8601; default: now)', parseInstant)
    .option(
      '--time-zone <zone>',
      "the kiosk's time zone, whose date at the scan time expiry is judged by (clock.timeZone)",
      parseZone,
      new TimeZone(DEFAULT_TIME_ZONE),
    )
    .addOption(new Option('--lang <lang>', 'language of the messages and field labels').choices(['en', 'vi']).default('en'))
    .addHelpText(
      'after',
      '\nExit status: 0 decoded, 1 rejected (the code and reason are printed once: on stdout, or on stderr next to --json), 2 usage error.',
    )
    .action(async (payload: string | undefined, flags: DecodeFlags) => {
      let bytes: Uint8Array;
      if (payload === undefined || payload === '-') {
        if (process.stdin.isTTY) throw new UsageError('no payload given: pass it as an argument or pipe it to standard input');
        bytes = await readStdin();
      } else {
        bytes = Buffer.from(payload, 'utf8');
      }
      const at = flags.at ?? systemClock.now();
      const result = decodeScan(bytes, at, { utcOffsetMinutes: flags.timeZone.offsetMinutes(at) });
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result, flags.lang));
      if (!result.ok) {
        // Said once: the readable text already holds the reason; next to JSON it goes to stderr, in the language asked.
        if (flags.json === true) process.stderr.write(`qrgate: ${result.code}: ${describeCode(result.code, flags.lang)}\n`);
        process.exitCode = 1;
      }
    });
}
