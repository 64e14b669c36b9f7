/**
 * The `scanners[]` entry of the daemon configuration. The key names, defaults and descriptions are a public
 * contract: the descriptions are rendered into the configuration reference.
 */
import { Type, type Static } from 'typebox';

export const DEFAULTS = {
  baudRate: 9600,
  terminator: 'auto',
  idleMs: 100,
  maxFrameBytes: 4096,
  direction: 'in',
  layout: 'us',
  reportFormat: 'auto',
  pollMs: 500,
  reader: 'event-loop',
} as const;

const HEX16 = '^[0-9a-fA-F]{4}$';

const id = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_.-]+$',
  description: 'Name of this scanner, unique in the file (letters, digits, "_", "-", "."). It tags every scan and state event.',
});

const path = Type.String({
  minLength: 1,
  description:
    'Device to open. Prefer a stable name: /dev/serial/by-id/… for serial, /dev/qrgate/… (made by the shipped udev rules) or /dev/input/by-id/…-event-kbd. Give either path or match, not both.',
});

const match = Type.Object(
  {
    vendorId: Type.String({
      pattern: HEX16,
      description: 'USB vendor id, 4 hex digits as shown by lsusb or `qrgate scanners`, e.g. "0c2e".',
    }),
    productId: Type.String({ pattern: HEX16, description: 'USB product id, 4 hex digits, e.g. "0b61".' }),
    serialNumber: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'USB serial number, to tell apart two scanners of the same model. Default: none (every serial number matches).',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Find the device by its USB ids instead of a path; it is found again after a replug on any port. Give either path or match, not both.',
  },
);

const direction = Type.Union([Type.Literal('in'), Type.Literal('out'), Type.Literal('toggle')], {
  default: DEFAULTS.direction,
  description:
    'What a scan at this scanner means for the visitor: "in" (arrival), "out" (departure) or "toggle" (in if not inside, else out). Not used by the driver.',
});

const idleMs = Type.Integer({
  minimum: 10,
  maximum: 10_000,
  default: DEFAULTS.idleMs,
  description:
    'Milliseconds of silence that end a scan. With terminator "none" this is the only end of a scan; with a terminator it is a fallback that still delivers a scan whose terminator never comes (a scanner configured without a suffix). Raise it if a slow scanner splits scans.',
});

const maxFrameBytes = Type.Integer({
  minimum: 64,
  maximum: 65_536,
  default: DEFAULTS.maxFrameBytes,
  description:
    'Longest scan accepted, in bytes. A longer run (noise, a stuck scanner) is discarded up to its end and reported once as E_FRAME_TOO_LONG. The largest QR holds 2953 bytes.',
});

const layout = Type.Literal('us', {
  default: DEFAULTS.layout,
  description:
    'Keyboard layout the scanner types in (keyboard-wedge only). Only "us" is built in: set the scanner to US layout, and to Alt+numpad (Unicode) output for Vietnamese letters.',
});

const sourceOneOf = [{ required: ['path'] }, { required: ['match'] }];

export const SerialEntrySchema = Type.Object(
  {
    id,
    type: Type.Literal('serial', {
      description: 'A USB-CDC ("USB COM") or RS-232 scanner: /dev/ttyACM*, /dev/ttyUSB*, /dev/serial/by-id/…',
    }),
    path: Type.Optional(path),
    match: Type.Optional(match),
    baudRate: Type.Optional(
      Type.Integer({
        minimum: 300,
        maximum: 4_000_000,
        default: DEFAULTS.baudRate,
        description:
          'Line speed. USB-CDC scanners ignore it; RS-232 scanners and USB-serial cables need the value set on the scanner (often 9600 or 115200).',
      }),
    ),
    terminator: Type.Optional(
      Type.Union([Type.Literal('cr'), Type.Literal('lf'), Type.Literal('crlf'), Type.Literal('auto'), Type.Literal('none')], {
        default: DEFAULTS.terminator,
        description:
          'What ends a scan: "cr", "lf", "crlf" (exactly that byte sequence; anything else is data), "auto" (CR, LF or CRLF each end one scan; never an empty scan) or "none" (idleMs of silence ends it).',
      }),
    ),
    idleMs: Type.Optional(idleMs),
    maxFrameBytes: Type.Optional(maxFrameBytes),
    direction: Type.Optional(direction),
    reader: Type.Optional(
      Type.Union([Type.Literal('event-loop'), Type.Literal('serialport')], {
        default: DEFAULTS.reader,
        description:
          'Who reads the port once serialport has opened and set it up (lock, baud rate, raw mode, hupcl off): "event-loop" reads it on the main thread through the event loop (about 2 ms less per scan on an idle board); "serialport" is serialport\'s own reader, in the thread pool. Set "serialport" if a scanner or cable misbehaves with the default (see docs/scanners.md).',
      }),
    ),
  },
  { additionalProperties: false, oneOf: sourceOneOf, description: 'Serial scanner.' },
);

export const HidEntrySchema = Type.Object(
  {
    id,
    type: Type.Literal('hid', {
      description: 'A USB HID scanner read through /dev/hidraw* (node-hid): HID-POS mode, or a keyboard-mode scanner.',
    }),
    path: Type.Optional(path),
    match: Type.Optional(match),
    reportFormat: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('pos'), Type.Literal('keyboard')], {
        default: DEFAULTS.reportFormat,
        description:
          'How to read the reports: "pos" (HID-POS, usage page 0x8C), "keyboard" (8-byte boot-keyboard reports) or "auto" (from the device’s usage page).',
      }),
    ),
    layout: Type.Optional(layout),
    idleMs: Type.Optional(idleMs),
    maxFrameBytes: Type.Optional(maxFrameBytes),
    direction: Type.Optional(direction),
  },
  { additionalProperties: false, oneOf: sourceOneOf, description: 'HID scanner.' },
);

export const EvdevEntrySchema = Type.Object(
  {
    id,
    type: Type.Literal('evdev', {
      description: 'A keyboard-wedge scanner read from /dev/input/event* (needs the udev rule that hides its keystrokes from the console).',
    }),
    path: Type.Optional(path),
    match: Type.Optional(match),
    layout: Type.Optional(layout),
    idleMs: Type.Optional(idleMs),
    maxFrameBytes: Type.Optional(maxFrameBytes),
    direction: Type.Optional(direction),
  },
  { additionalProperties: false, oneOf: sourceOneOf, description: 'Keyboard-wedge scanner.' },
);

export const SimulatedEntrySchema = Type.Object(
  {
    id,
    type: Type.Literal('simulated', {
      description:
        'A fake scanner for the demo and benchmarks. Never use it in a production configuration: its scans are not real visitors.',
    }),
    source: Type.Optional(
      Type.Union([Type.Literal('generate'), Type.Literal('file'), Type.Literal('stdin')], {
        default: 'generate',
        description:
          '"generate" synthetic visitors at ratePerMinute, "file" replays the lines of `file`, "stdin" replays lines read from standard input.',
      }),
    ),
    file: Type.Optional(
      Type.String({ minLength: 1, description: 'Payload file, one scan per line (UTF-8). Required when source is "file". Default: none.' }),
    ),
    ratePerMinute: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 60_000, default: 30, description: 'Scans per minute (generate and file sources).' }),
    ),
    badScanRatio: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        default: 0.05,
        description: 'Fraction of generated scans that are damaged (truncated, diacritics lost, unrecognisable).',
      }),
    ),
    seed: Type.Optional(Type.Integer({ default: 1, description: 'Seed of the generator, so a benchmark run can be repeated exactly.' })),
    loop: Type.Optional(Type.Boolean({ default: false, description: 'Replay the file again from the top when it ends.' })),
    maxFrameBytes: Type.Optional(maxFrameBytes),
    direction: Type.Optional(direction),
  },
  { additionalProperties: false, description: 'Simulated scanner (demo and benchmarks only).' },
);

export const ScannerEntrySchema = Type.Union([SerialEntrySchema, HidEntrySchema, EvdevEntrySchema, SimulatedEntrySchema], {
  description: 'One scanner. `type` chooses the driver.',
});

export type SerialEntry = Static<typeof SerialEntrySchema>;
export type HidEntry = Static<typeof HidEntrySchema>;
export type EvdevEntry = Static<typeof EvdevEntrySchema>;
export type SimulatedEntry = Static<typeof SimulatedEntrySchema>;
export type ScannerEntry = Static<typeof ScannerEntrySchema>;
export type UsbMatch = NonNullable<SerialEntry['match']>;
export type Terminator = NonNullable<SerialEntry['terminator']>;
