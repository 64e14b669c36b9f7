/**
 * QRs that visitors show by mistake. They are recognised so that the reason given is precise, and a URL is only
 * parsed, never opened.
 */
import { reject } from './result.js';
import type { DecodeFailure } from './types.js';

/** Hosts of the COVID-era venue registration and check-in pages. */
const VENUE_DOMAINS = ['tokhaiyte.vn', 'pccovid.gov.vn'];

const URL_LIKE = /^[a-z][a-z0-9+.-]{0,20}:\/\//i;
/** EU Digital COVID Certificate (Vietnam's vaccine passport): `HC1:` + Base45(zlib(COSE)). */
const HCERT = /^HC1:/i;
/** A kiosk set-up QR (src/provision): it carries broker credentials and must never become a check-in. */
const PROVISIONING = /^QRGATE-PROVISION:/i;

function isVenueHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return VENUE_DOMAINS.some((d) => h === d || h.endsWith(`.${d}`));
}

/** A rejection for a recognised non-identity QR, or null when the text is none of them. */
export function classifyNotIdentity(text: string): DecodeFailure | null {
  if (PROVISIONING.test(text)) return reject('E_PROVISIONING_QR');
  if (HCERT.test(text)) return reject('E_NOT_IDENTITY');
  if (!URL_LIKE.test(text)) return null;
  let host = '';
  try {
    host = new URL(text).hostname;
  } catch {
    // An unparsable URL is still a URL-shaped code, not an identity.
  }
  return reject(isVenueHost(host) ? 'E_VENUE_QR' : 'E_NOT_IDENTITY');
}
