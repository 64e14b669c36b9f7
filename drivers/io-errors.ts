/**
 * Turns an open/read failure into what the technician needs: absent (wait for it), or a stable code with a detail
 * that names the fix. serialport's errors carry no errno, only strerror text, so both are recognised.
 */
import type { DriverCode } from '../src/core/codes.js';
import { SERVICE_GROUP, UDEV_RULES_FILE } from './service-names.js';

export type DeviceKind = 'serial' | 'hid' | 'evdev';

export type IoFailure = { readonly kind: 'absent' } | { readonly kind: 'error'; readonly code: DriverCode; readonly detail: string };

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bENOENT\b|No such file or directory/i, 'ENOENT'],
  [/\bEACCES\b|\bEPERM\b|Permission denied|Operation not permitted/i, 'EACCES'],
  [/\bENODEV\b|\bENXIO\b|No such device/i, 'ENODEV'],
  [/\bEIO\b|Input\/output error/i, 'EIO'],
  [/\bEBUSY\b|busy|Resource temporarily unavailable|Cannot lock port/i, 'EBUSY'],
];

export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  const message = err instanceof Error ? err.message : String(err);
  return PATTERNS.find(([re]) => re.test(message))?.[1];
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const GROUP_HINT: Record<DeviceKind, string> = {
  serial: `add the service user to group '${SERVICE_GROUP}' (given by the udev rules) or 'dialout'`,
  hid: `add the service user to group '${SERVICE_GROUP}' (hidraw nodes have no standard group; the udev rules give it)`,
  evdev: `add the service user to group '${SERVICE_GROUP}' (given by the udev rules) or 'input'`,
};

export function permissionDetail(kind: DeviceKind, path: string): string {
  return (
    `permission denied on ${path}: install drivers/udev/99-qrgate.rules as ${UDEV_RULES_FILE}, ` +
    `${GROUP_HINT[kind]}, then run 'udevadm control --reload && udevadm trigger' and replug the scanner`
  );
}

export function classifyOpenError(err: unknown, kind: DeviceKind, path: string): IoFailure {
  switch (errnoOf(err) ?? '') {
    case 'ENOENT':
      return { kind: 'absent' };
    case 'EACCES':
    case 'EPERM':
      return { kind: 'error', code: 'E_PERMISSION', detail: permissionDetail(kind, path) };
    case 'ENODEV':
    case 'ENXIO':
    case 'EIO':
      return {
        kind: 'error',
        code: 'E_DEVICE_GONE',
        detail: `${path} exists but the device behind it does not answer (${messageOf(err)})`,
      };
    case 'EBUSY':
      return {
        kind: 'error',
        code: 'E_PORT_OPEN',
        detail: `${path} is in use by another program (another qrgate, a terminal program, or ModemManager probing it: see the udev rules): ${messageOf(err)}`,
      };
    default:
      return { kind: 'error', code: 'E_PORT_OPEN', detail: `cannot open ${path}: ${messageOf(err)}` };
  }
}
