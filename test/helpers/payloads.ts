/**
 * Synthetic payloads (invented names and numbers) built from parts, so that each case says what it changes. One
 * implementation serves the tests, the benchmarks and the chaos suite: scripts/lib/payloads.mjs.
 */
export {
  ADDRESS,
  bhytLegacy,
  bhytNew,
  cccd,
  CCCD_BASE,
  hex,
  ISSUE_PLACE,
  NAME_F,
  NAME_M,
  SCAN_TIME,
  type CccdParts,
} from '../../scripts/lib/payloads.mjs';

/** The decoder's zone option for a kiosk in the default zone (Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving). */
export const VIETNAM = { utcOffsetMinutes: 420 } as const;
