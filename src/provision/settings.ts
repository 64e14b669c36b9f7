/**
 * What a provisioning run wants the config to say. `undefined`: leave the key as it is; `null`: remove it (the
 * technician answered "none"). The password itself is never part of the config, only the file that holds it.
 */
import type { ScannerEntry } from '../../drivers/config.js';

export interface Settings {
  deviceId?: string;
  site?: string;
  mqttUrl?: string | null;
  mqttUsername?: string | null;
  mqttPasswordFile?: string | null;
  mqttCa?: string | null;
  mqttCert?: string | null;
  mqttKey?: string | null;
  scanner?: ScannerEntry;
}

/** Config key path for each setting, in the order changes are printed. */
export const SETTING_KEYS: ReadonlyArray<readonly [Exclude<keyof Settings, 'scanner'>, readonly string[]]> = [
  ['deviceId', ['device', 'id']],
  ['site', ['device', 'site']],
  ['mqttUrl', ['mqtt', 'url']],
  ['mqttUsername', ['mqtt', 'username']],
  ['mqttPasswordFile', ['mqtt', 'passwordFile']],
  ['mqttCa', ['mqtt', 'ca']],
  ['mqttCert', ['mqtt', 'cert']],
  ['mqttKey', ['mqtt', 'key']],
];
