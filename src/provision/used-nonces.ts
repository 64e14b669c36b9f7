/**
 * Single use on the kiosk: the nonces of accepted provisioning QRs, one `nonce exp` line each, in the state
 * directory next to the check-in store (so they survive re-provisioning and config restores). Entries are never
 * pruned: a Pi whose clock falls back must still refuse a replay, and a kiosk is provisioned a handful of times.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError } from './errors.js';
import type { ProvisionClaims } from './payload.js';

export const USED_NONCES_FILE = 'provision-used-nonces';

export class UsedNonces {
  readonly file: string;
  constructor(stateDir: string) {
    this.file = join(stateDir, USED_NONCES_FILE);
  }

  private read(): Set<string> {
    try {
      return new Set(
        readFileSync(this.file, 'utf8')
          .split('\n')
          .map((l) => l.split(' ')[0] ?? '')
          .filter((n) => n !== ''),
      );
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      // Failing open here would make every QR reusable; refuse instead.
      throw new ProvisionError('E_PROVISION_WRITE', `cannot read ${this.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  assertUnused(claims: ProvisionClaims): void {
    if (this.read().has(claims.nonce)) {
      throw new ProvisionError(
        'E_PROVISION_USED',
        'this provisioning QR was already used on this kiosk; make a new one with "qrgate provision --make-qr"',
      );
    }
  }

  remember(claims: ProvisionClaims): void {
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      appendFileSync(this.file, `${claims.nonce} ${claims.exp}\n`, { mode: 0o600 });
    } catch (err) {
      throw new ProvisionError(
        'E_PROVISION_WRITE',
        `cannot record the used QR in ${this.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  }
}
