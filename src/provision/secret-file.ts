/**
 * The broker password goes to its own file (mode 0600, owned by the service user when run as root), never into the
 * YAML, so the config can be shown, copied and backed up without leaking it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeAtomic } from './atomic-write.js';
import { ProvisionError } from './errors.js';
import { runningAsRoot, serviceIds } from './ownership.js';

export const SECRET_MODE = 0o600;

/** Default place of the password file: next to the config. */
export function defaultPasswordFile(configFile: string): string {
  return join(dirname(configFile), 'mqtt-password');
}

export function writePasswordFile(file: string, password: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeAtomic(file, `${password}\n`, { mode: SECRET_MODE, owner: runningAsRoot() ? serviceIds() : null });
  } catch (err) {
    throw new ProvisionError(
      'E_PROVISION_WRITE',
      `cannot write the password file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}
