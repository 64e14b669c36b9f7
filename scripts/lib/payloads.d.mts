// Types of payloads.mjs, for the TypeScript test suite (test/helpers/payloads.ts re-exports it).

export function hex(text: string): string;

export const NAME_F: string;
export const NAME_M: string;
export const ADDRESS: string;
export const ISSUE_PLACE: string;

export interface CccdParts {
  number: string;
  oldNumber: string;
  name: string;
  birth: string;
  sex: string;
  address: string;
  issued: string;
}

export const CCCD_BASE: Readonly<CccdParts>;

/** The base CCCD with number 001190 + i (6 digits): up to 10^6 distinct payloads. */
export function cccd(index: number): string;
/** The base CCCD with parts changed, and extra fields after the seventh. */
export function cccd(over?: Partial<CccdParts>, trailing?: readonly string[]): string;

/** 2021+ BHYT template: 16 data fields and `$`; `over` replaces fields by index; valid at `at` (default SCAN_TIME). */
export function bhytNew(over?: Partial<Record<number, string>>, at?: Date): string;
/** Legacy BHYT template: 14 data fields and `$`; `over` replaces fields by index; valid at `at` (default SCAN_TIME). */
export function bhytLegacy(over?: Partial<Record<number, string>>, at?: Date): string;
/** bhytNew with number 01999 + i (5 digits): up to 10^5 distinct payloads, valid at `at` (default SCAN_TIME). */
export function bhyt(index: number, at?: Date): string;

/** A moment at which every base payload is valid. */
export const SCAN_TIME: Date;

/** A frame as a serial scanner sends it: payload + CR. */
export function frame(payload: string): Buffer;
/** The index i of a payload built by cccd(i). */
export function indexOf(payload: string): number;
