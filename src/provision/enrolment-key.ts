/**
 * The enrolment key: 32 random bytes shared by the technician's laptop (which makes provisioning QRs) and the kiosk
 * image (which accepts them). Stored as one line of hex, mode 0600. Only its key id is ever printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProvisionError } from './errors.js';
import { ENROLMENT_KEY_BYTES, keyId } from './payload.js';

export const DEFAULT_KEY_FILE = '/etc/qrgate/enrolment.key';

export function readEnrolmentKey(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT' ? ' (make one with "qrgate provision --make-key --key-file FILE" and install the same file on the kiosks)' : '';
    throw new ProvisionError('E_PROVISION_KEY', `cannot read the enrolment key ${file}: ${code ?? String(err)}${hint}`);
  }
  if (!new RegExp(`^[0-9a-fA-F]{${ENROLMENT_KEY_BYTES * 2}}$`).test(text)) {
    throw new ProvisionError(
      'E_PROVISION_KEY',
      `${file} is not an enrolment key (expected ${ENROLMENT_KEY_BYTES * 2} hex digits on one line)`,
    );
  }
  return Buffer.from(text, 'hex');
}

/** Creates a new key file; never overwrites one, since every kiosk holding the old key would stop accepting QRs. */
export function createEnrolmentKey(file: string): string {
  const key = randomBytes(ENROLMENT_KEY_BYTES);
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST'
        ? 'it already exists (remove it first if you really mean to replace the key of every kiosk)'
        : (code ?? String(err));
    throw new ProvisionError('E_PROVISION_KEY', `cannot create ${file}: ${why}`);
  }
  return keyId(key);
}
