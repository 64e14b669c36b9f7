/**
 * USB vendor/product ids of scanner makers and of the USB-serial bridges found inside RS-232 scanner cables.
 *
 * Data only. Scanner product ids change with the interface mode the scanner is set to (keyboard, HID-POS, USB COM),
 * so most makers are listed by vendor only; the few product ids here were seen in public code and manuals. Add a
 * line when a kiosk meets a new model: `qrgate scanners` then names it.
 */
export type UsbRole = 'scanner' | 'usb-serial-bridge';

export interface UsbVendor {
  readonly vendorId: string;
  readonly name: string;
  readonly role: UsbRole;
  readonly products: Readonly<Record<string, string>>;
}

export const USB_VENDORS: readonly UsbVendor[] = [
  {
    vendorId: '0c2e',
    name: 'Honeywell (Metrologic / Hand Held Products)',
    role: 'scanner',
    products: { '0b8f': 'Voyager 1400g (HID-POS)', '0caa': 'Voyager 1200g', '0cd4': 'Xenon 1900' },
  },
  { vendorId: '0536', name: 'Hand Held Products (now Honeywell)', role: 'scanner', products: {} },
  {
    vendorId: '05e0',
    name: 'Zebra (Symbol Technologies)',
    role: 'scanner',
    products: {
      '0600': 'scanner in USB COM port emulation mode',
      '1200': 'scanner in HID keyboard mode',
      '1300': 'scanner in IBM hand-held / OPOS mode',
    },
  },
  { vendorId: '05f9', name: 'Datalogic (PSC Scanning)', role: 'scanner', products: {} },
  { vendorId: '080c', name: 'Datalogic', role: 'scanner', products: {} },
  { vendorId: '1eab', name: 'Newland (Fujian Newland Computer)', role: 'scanner', products: {} },
  { vendorId: '065a', name: 'Opticon', role: 'scanner', products: {} },
  { vendorId: '067e', name: 'Intermec (now Honeywell)', role: 'scanner', products: { '0809': 'SG20' } },
  {
    vendorId: '0403',
    name: 'FTDI',
    role: 'usb-serial-bridge',
    products: { '6001': 'FT232R', '6010': 'FT2232', '6011': 'FT4232', '6014': 'FT232H', '6015': 'FT-X series' },
  },
  { vendorId: '067b', name: 'Prolific', role: 'usb-serial-bridge', products: { '2303': 'PL2303', '23a3': 'PL2303GC' } },
  {
    vendorId: '10c4',
    name: 'Silicon Labs',
    role: 'usb-serial-bridge',
    products: { ea60: 'CP210x', ea70: 'CP2105', ea71: 'CP2108' },
  },
  {
    vendorId: '1a86',
    name: 'WCH (QinHeng)',
    role: 'usb-serial-bridge',
    products: { '7523': 'CH340', '5523': 'CH341', '55d4': 'CH9102' },
  },
];

export interface UsbIdentity {
  readonly vendor: string;
  readonly model: string | null;
  readonly role: UsbRole;
}

export function identifyUsb(vendorId: string, productId: string): UsbIdentity | null {
  const vendor = USB_VENDORS.find((v) => v.vendorId === vendorId.toLowerCase());
  if (!vendor) return null;
  return { vendor: vendor.name, model: vendor.products[productId.toLowerCase()] ?? null, role: vendor.role };
}
