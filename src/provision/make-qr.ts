/**
 * `--make-qr` on the technician's laptop: seals the claims with the enrolment key and draws the QR in the terminal
 * and, when asked, as a PNG (mode 0600: it is a credential until it expires or is used).
 */
import { chmodSync } from 'node:fs';
import QRCode from 'qrcode';
import { ProvisionError } from './errors.js';
import { expiryText, keyId, type ProvisionClaims } from './payload.js';

export interface MadeQr {
  readonly text: string;
  readonly claims: ProvisionClaims;
}

// Level M survives a smudged print or a phone screen's glare; the payload is a few hundred bytes, well within it.
const ECC = 'M';

export async function writePng(file: string, text: string): Promise<void> {
  try {
    await QRCode.toFile(file, text, { type: 'png', errorCorrectionLevel: ECC, margin: 4, scale: 8 });
    chmodSync(file, 0o600);
  } catch (err) {
    throw new ProvisionError('E_PROVISION_WRITE', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: ECC });
}

/** What the technician needs to know about the QR, without the secret. */
export function describeQr(made: MadeQr, key: Buffer): string {
  const c = made.claims;
  const lines = [
    `Provisioning QR for device "${c.device}" at site "${c.site}"`,
    `  broker:   ${c.url}${c.username ? ` (user ${c.username}, password sealed in the QR)` : c.secret ? ' (password sealed in the QR)' : ''}`,
    `  expires:  ${expiryText(c.exp)}`,
    `  key id:   ${keyId(key)} (the kiosk must hold the same enrolment key)`,
    '  single use: a kiosk accepts it once; keep it private until then.',
  ];
  return `${lines.join('\n')}\n`;
}
