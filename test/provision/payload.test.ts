import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeScan } from '../../src/decode/index.js';
import { lifetime, parseDuration } from '../../src/provision/duration.js';
import { ProvisionError } from '../../src/provision/errors.js';
import { checkFresh, encodeProvision, keyId, parseProvision, PROVISION_PREFIX } from '../../src/provision/payload.js';
import { UsedNonces } from '../../src/provision/used-nonces.js';
import { tempDir } from '../helpers/tmp.js';
import { VIETNAM } from '../helpers/payloads.js';

const KEY = Buffer.alloc(32, 7);
const NOW = new Date('2026-07-01T08:00:00Z');
const CLAIMS = {
  site: 'hanoi-hq',
  device: 'cong-1',
  url: 'mqtts://broker.example.gov.vn:8883',
  username: 'cong-1',
  secret: 'correct horse battery',
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProvisionError) return err.code;
    throw err;
  }
  return 'no error';
}

describe('the provisioning payload', () => {
  it('round-trips the claims with an expiry and a fresh nonce each time', () => {
    const a = encodeProvision(CLAIMS, KEY, NOW, 3600);
    const b = encodeProvision(CLAIMS, KEY, NOW, 3600);
    expect(a.text.startsWith(`${PROVISION_PREFIX}1:${keyId(KEY)}:`)).toBe(true);
    expect(parseProvision(a.text, KEY)).toEqual({
      ...CLAIMS,
      iat: NOW.getTime() / 1000,
      exp: NOW.getTime() / 1000 + 3600,
      nonce: a.claims.nonce,
    });
    expect(a.claims.nonce).not.toBe(b.claims.nonce);
    expect(a.text).not.toBe(b.text);
  });

  it('does not show the password, the user or the broker to someone reading the QR', () => {
    const { text } = encodeProvision(CLAIMS, KEY, NOW, 3600);
    for (const s of [CLAIMS.secret, CLAIMS.username, 'broker.example', 'hanoi-hq']) {
      expect(text).not.toContain(s);
      expect(text).not.toContain(Buffer.from(s).toString('base64url').slice(0, 8));
    }
  });

  it('refuses any changed character (a forged or edited QR)', () => {
    const { text } = encodeProvision(CLAIMS, KEY, NOW, 3600);
    const body = text.length - 30;
    const flipped = text.slice(0, body) + (text[body] === 'A' ? 'B' : 'A') + text.slice(body + 1);
    expect(codeOf(() => parseProvision(flipped, KEY))).toBe('E_PROVISION_INVALID');
    expect(codeOf(() => parseProvision(text.slice(0, -1), KEY))).toBe('E_PROVISION_INVALID');
  });

  it('refuses a QR made with another enrolment key and names both key ids', () => {
    const other = randomBytes(32);
    const { text } = encodeProvision(CLAIMS, other, NOW, 3600);
    expect(() => parseProvision(text, KEY)).toThrow(`made with enrolment key ${keyId(other)}, this kiosk has key ${keyId(KEY)}`);
  });

  it('refuses a key id swapped in the header (the header is authenticated)', () => {
    const other = randomBytes(32);
    const { text } = encodeProvision(CLAIMS, other, NOW, 3600);
    const relabelled = text.replace(keyId(other), keyId(KEY));
    expect(() => parseProvision(relabelled, KEY)).toThrow(/authentication failed/);
  });

  it('refuses an unknown format version', () => {
    const { text } = encodeProvision(CLAIMS, KEY, NOW, 3600);
    expect(() => parseProvision(text.replace(':1:', ':2:'), KEY)).toThrow(/version 2 is not supported/);
  });

  it('refuses a sealed payload whose claims are malformed', () => {
    const { text } = encodeProvision({ ...CLAIMS, site: 'bad site/#' }, KEY, NOW, 3600);
    expect(() => parseProvision(text, KEY)).toThrow(/site is missing or malformed/);
  });

  it('expires at exp, and says when the kiosk clock is behind the issue time', () => {
    const { claims } = encodeProvision(CLAIMS, KEY, NOW, 3600);
    expect(checkFresh(claims, new Date(NOW.getTime() + 3599_000))).toEqual({ clockBehind: false });
    expect(codeOf(() => checkFresh(claims, new Date(NOW.getTime() + 3600_000)))).toBe('E_PROVISION_EXPIRED');
    expect(checkFresh(claims, new Date('2025-01-01T00:00:00Z'))).toEqual({ clockBehind: true });
  });

  it('is rejected by the decoder as E_PROVISIONING_QR, never read as an identity', () => {
    const { text } = encodeProvision(CLAIMS, KEY, NOW, 3600);
    expect(decodeScan(Buffer.from(`${text}\r\n`), NOW, VIETNAM)).toMatchObject({ ok: false, code: 'E_PROVISIONING_QR' });
  });
});

describe('single use', () => {
  it('remembers a used nonce in the state directory, across instances', () => {
    const dir = tempDir();
    const { claims } = encodeProvision(CLAIMS, KEY, NOW, 3600);
    new UsedNonces(dir).assertUnused(claims);
    new UsedNonces(dir).remember(claims);
    expect(codeOf(() => new UsedNonces(dir).assertUnused(claims))).toBe('E_PROVISION_USED');
    expect(codeOf(() => new UsedNonces(dir).assertUnused(encodeProvision(CLAIMS, KEY, NOW, 3600).claims))).toBe('no error');
  });
});

describe('--expires', () => {
  it.each([
    ['90s', 90],
    ['30m', 1800],
    ['24h', 86_400],
    ['7d', 604_800],
  ])('reads %s', (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(['0h', '24', 'h', '1w', '31d'])('refuses %s', (text) => expect(codeOf(() => lifetime(text))).toBe('E_PROVISION_INVALID'));
});
