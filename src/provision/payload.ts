/**
 * The provisioning QR: `QRGATE-PROVISION:1:<kid>:<base64url(iv ‖ ciphertext ‖ tag)>`.
 *
 * The claims (site, device, broker URL, credentials, expiry, nonce) are sealed with AES-256-GCM under a key derived
 * from the fleet's enrolment key. GCM's tag is the MAC: a QR not made with the enrolment key (forged, or edited to
 * point the kiosk at another broker) fails authentication. Encryption rather than a bare MAC or signature because a
 * QR is an image that gets photographed and printed: a photo must not reveal the broker password. The header
 * (version and key id) is authenticated as associated data. Pure apart from the random IV and nonce.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { systemTimeZone } from '../core/zone.js';
import { ProvisionError } from './errors.js';

export const PROVISION_PREFIX = 'QRGATE-PROVISION:';
export const PAYLOAD_VERSION = 1;
export const ENROLMENT_KEY_BYTES = 32;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const BROKER_URL = /^(mqtts?|wss?|tcp|ssl):\/\//;

export interface ProvisionClaims {
  readonly site: string;
  readonly device: string;
  readonly url: string;
  readonly username?: string;
  /** The broker password; absent for a broker that needs none. */
  readonly secret?: string;
  /** Issued at and expires at, in seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** 128 random bits, base64url: what the kiosk remembers to refuse a second use. */
  readonly nonce: string;
}

export type ClaimsInput = Omit<ProvisionClaims, 'nonce' | 'iat' | 'exp'>;

/** A short public name of the key (no use to an attacker), so a kiosk can say "made with another key". */
export function keyId(key: Uint8Array): string {
  return createHash('sha256').update('qrgate enrolment key id\0').update(key).digest('hex').slice(0, 8);
}

function sealingKey(key: Uint8Array): Buffer {
  // A derived key, so the enrolment key itself is never used directly by a cipher and can serve other purposes later.
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'qrgate provisioning v1', 32));
}

function header(key: Uint8Array): string {
  return `${PROVISION_PREFIX}${PAYLOAD_VERSION}:${keyId(key)}:`;
}

export function encodeProvision(
  input: ClaimsInput,
  key: Uint8Array,
  issuedAt: Date,
  lifetimeSec: number,
): { text: string; claims: ProvisionClaims } {
  const iat = Math.floor(issuedAt.getTime() / 1000);
  const claims: ProvisionClaims = { ...input, iat, exp: iat + lifetimeSec, nonce: randomBytes(16).toString('base64url') };
  const head = header(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(key), iv);
  cipher.setAAD(Buffer.from(head, 'ascii'));
  const body = Buffer.concat([cipher.update(JSON.stringify(claims), 'utf8'), cipher.final()]);
  return { text: head + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url'), claims };
}

export function isProvisionText(text: string): boolean {
  return text.trim().toUpperCase().startsWith(PROVISION_PREFIX);
}

const invalid = (why: string): ProvisionError => new ProvisionError('E_PROVISION_INVALID', `not a valid provisioning QR: ${why}`);

function str(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 1024;
}

function checkClaims(value: unknown): ProvisionClaims {
  if (typeof value !== 'object' || value === null) throw invalid('its content is not an object');
  const c = value as Record<string, unknown>;
  if (!str(c.site) || !NAME.test(c.site)) throw invalid('site is missing or malformed');
  if (!str(c.device) || !NAME.test(c.device)) throw invalid('device is missing or malformed');
  if (!str(c.url) || !BROKER_URL.test(c.url)) throw invalid('broker URL is missing or malformed');
  if (c.username !== undefined && !str(c.username)) throw invalid('username is malformed');
  if (c.secret !== undefined && !str(c.secret)) throw invalid('secret is malformed');
  if (!Number.isSafeInteger(c.iat) || !Number.isSafeInteger(c.exp) || (c.exp as number) <= (c.iat as number))
    throw invalid('validity period is malformed');
  if (!str(c.nonce) || !/^[A-Za-z0-9_-]{16,64}$/.test(c.nonce)) throw invalid('nonce is malformed');
  return c as unknown as ProvisionClaims;
}

/** Authenticates and opens a scanned text with the kiosk's enrolment key. Freshness and single use are checked apart. */
export function parseProvision(scanned: string, key: Uint8Array): ProvisionClaims {
  const text = scanned.trim();
  if (!text.startsWith(PROVISION_PREFIX)) throw invalid('it does not start with QRGATE-PROVISION:');
  const [version, kid, blob, ...rest] = text.slice(PROVISION_PREFIX.length).split(':');
  if (version !== String(PAYLOAD_VERSION))
    throw invalid(`format version ${version ?? '?'} is not supported (this qrgate reads version ${PAYLOAD_VERSION})`);
  if (rest.length > 0 || blob === undefined || !/^[A-Za-z0-9_-]+$/.test(blob)) throw invalid('it is damaged (unexpected characters)');
  const own = keyId(key);
  if (kid !== own) throw invalid(`it was made with enrolment key ${kid ?? '?'}, this kiosk has key ${own}`);
  const raw = Buffer.from(blob, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES + 2) throw invalid('it is too short (damaged)');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(key), raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(header(key), 'ascii'));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  let json: string;
  try {
    json = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw invalid('authentication failed (damaged or forged)');
  }
  try {
    return checkClaims(JSON.parse(json));
  } catch (err) {
    if (err instanceof ProvisionError) throw err;
    throw invalid('its content is not JSON');
  }
}

/** `2026-11-23 18:30:43 +07:00`: the expiry in the kiosk's (or laptop's) own zone, as a technician reads it. */
export function expiryText(exp: number): string {
  const iso = systemTimeZone().iso(exp * 1000);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${iso.slice(23)}`;
}

/**
 * Refuses an expired QR. Returns true when the kiosk's clock is behind the issue time: a Raspberry Pi without network
 * time boots at its last saved time, so it cannot tell how old the QR is. It is then accepted (refusing would lock
 * out every fresh kiosk) and the caller warns; single use still holds.
 */
export function checkFresh(claims: ProvisionClaims, now: Date): { clockBehind: boolean } {
  const t = Math.floor(now.getTime() / 1000);
  if (t >= claims.exp) {
    throw new ProvisionError('E_PROVISION_EXPIRED', `the provisioning QR expired at ${expiryText(claims.exp)}`);
  }
  return { clockBehind: t < claims.iat - 300 };
}
