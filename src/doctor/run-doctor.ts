import { ConfigError, loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { checkBroker, checkCertificates, checkTransport } from './broker-checks.js';
import { fail, ok, type Finding } from './check.js';
import { checkFiles, checkGroups, type ServiceUser } from './file-checks.js';
import { checkClock, checkPresence, checkScanners, checkStore } from './local-checks.js';

export interface DoctorOptions {
  readonly configFile: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly udevRule?: string;
  /** Whom to open the daemon's files as; default the `qrgate` user from /etc/passwd (none: this user). */
  readonly serviceUser?: ServiceUser | null;
}

/** Every check, in the order a technician would fix them; nothing that needs the config runs without one. */
export async function runDoctor(o: DoctorOptions): Promise<Finding[]> {
  let config;
  try {
    config = loadConfig(o.configFile, o.env ?? process.env).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problems = err.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return [fail('config', `${o.configFile} is not valid: ${problems}`, 'fix the listed keys (docs/config.md), or write a new file with `qrgate provision`', 'E_CONFIG')];
  }
  return [
    ok('config', `${o.configFile} is valid`),
    ...checkStore(config),
    ...checkFiles(config, o.serviceUser),
    ...checkGroups(o.serviceUser),
    checkClock(config),
    checkPresence(config),
    ...(await checkScanners(config, o.udevRule)),
    ...checkCertificates(config, systemClock.now()),
    ...checkTransport(config),
    await checkBroker(config),
  ];
}
