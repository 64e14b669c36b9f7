import { ConfigError, formatProblem, loadConfig } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import { checkBroker, checkCertificates, checkTransport } from './broker-checks.js';
import { fail, ok, type Finding } from './check.js';
import { checkFiles, checkGroups, type ServiceUser } from './file-checks.js';
import { checkClock, checkPresence, checkScanners, checkStore } from './local-checks.js';

export interface DoctorOptions {
  readonly configFile: string;
  /** Certificates' dates and the broker probe's timeout (the CLI gives the system clock). */
  readonly clock: Clock;
  readonly env?: NodeJS.ProcessEnv;
  readonly udevRule?: string;
  /** Whom to open the daemon's files as; default the `qrgate` user from /etc/passwd (none: this user). */
  readonly serviceUser?: ServiceUser | null;
}

/** Every check, in the order a technician would fix them; nothing that needs the config runs without one. */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  let config;
  try {
    config = loadConfig(options.configFile, options.env ?? process.env).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [fail('config', configDetail(options.configFile, err), configFix(options.configFile, err), 'E_CONFIG')];
  }
  return [
    ok('config', `${options.configFile} is valid`),
    ...checkStore(config),
    ...checkFiles(config, options.serviceUser),
    ...checkGroups(options.serviceUser),
    checkClock(config),
    checkPresence(config),
    ...(await checkScanners(config, options.udevRule)),
    ...checkCertificates(config, options.clock.now()),
    ...checkTransport(config),
    await checkBroker(config, options.clock),
  ];
}

function configDetail(file: string, err: ConfigError): string {
  const unreadable = err.problems.find((p) => p.path === '(file)');
  if (unreadable !== undefined) return `${file}: ${unreadable.message.replace(/^cannot read it: /, 'cannot be read: ')}`;
  return `${file} is not valid (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}): ${err.problems.map(formatProblem).join('; ')}`;
}

/** What to do, for the problem at hand: a missing file is not "fix the listed keys". */
function configFix(file: string, err: ConfigError): string {
  const unreadable = err.problems.find((p) => p.path === '(file)');
  if (unreadable?.message.endsWith('file not found')) {
    return `write it with \`sudo qrgate provision --config ${file}\` (it asks for each value), or copy config/example.yaml there and fill in device.id and device.site; if the configuration lives elsewhere, give its path with --config`;
  }
  if (unreadable !== undefined)
    return `let the qrgate user read ${file} (\`sudo chown root:qrgate ${file} && sudo chmod 640 ${file}\`), or give the right path with --config`;
  if (err.problems.some((p) => p.path === '(yaml syntax)'))
    return 'correct the YAML at the line and column shown (indentation is two spaces per level, no tabs), then check again with `qrgate run --check`';
  return `change each key listed to what it says (every key: docs/config.md), then check again with \`qrgate run --check --config ${file}\``;
}
