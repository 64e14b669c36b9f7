import { Command } from 'commander';
import { defaultRoots, discoverScanners, type DiscoveryRoots, type ScannerCandidate } from '../../drivers/discovery.js';

interface ScannersFlags {
  readonly json?: boolean;
}

const NONE_FOUND_HINTS = [
  'Check the cable, and that the scanner beeps when plugged in; `lsusb` should list it.',
  'Set the scanner to USB COM (CDC) or HID-POS mode by scanning the setup code in its manual; keyboard mode works but loses Vietnamese letters.',
  'An RS-232 scanner on a built-in port (/dev/ttyS*) is not listed: configure its path directly.',
  'Inside a container, pass /dev and /sys through; hot-plugged devices are not visible to most containers.',
];

function hintsFor(found: readonly ScannerCandidate[]): string[] {
  if (found.length === 0) return NONE_FOUND_HINTS;
  const hints: string[] = [];
  if (found.some((c) => c.kind === 'serial' && c.stablePath === null)) {
    hints.push('A serial port has no /dev/serial/by-id name; use `match` (vendorId/productId) so a replug on another port is found.');
  }
  if (found.some((c) => c.kind === 'hidraw' && c.stablePath === null && c.hidFormat === 'pos')) {
    hints.push('Install drivers/udev/99-qrgate.rules for stable /dev/qrgate/* names and group access to hidraw nodes.');
  }
  if (found.some((c) => c.kind === 'input')) {
    hints.push('Keyboard-mode scanners also type into the console until the udev rule is installed; prefer USB COM or HID-POS mode.');
  }
  return hints;
}

function ids(c: ScannerCandidate): string {
  return c.vendorId && c.productId ? `${c.vendorId}:${c.productId}` : '????:????';
}

function renderText(found: readonly ScannerCandidate[], hints: readonly string[]): string {
  const lines: string[] = [];
  if (found.length === 0) {
    lines.push('No scanners found.');
  } else {
    const sorted = [...found].sort((a, b) => Number(b.likelyScanner) - Number(a.likelyScanner));
    lines.push(`Found ${found.length} candidate device${found.length === 1 ? '' : 's'}:`);
    for (const c of sorted) {
      const model = c.known
        ? `${c.known.vendor}${c.known.model ? ` ${c.known.model}` : ''}`
        : [c.manufacturer, c.product].filter(Boolean).join(' ') || 'unknown model';
      lines.push('');
      lines.push(`  ${c.stablePath ?? c.devPath}${c.stablePath ? `  (${c.devPath})` : ''}`);
      lines.push(
        `    ${ids(c)}  ${model}${c.serialNumber ? `  serial ${c.serialNumber}` : ''}${c.likelyScanner ? '' : '  [probably not a scanner]'}`,
      );
      lines.push(`    driver: ${c.driver}${c.hidFormat ? ` (${c.hidFormat})` : ''}  —  ${c.note}`);
    }
  }
  if (hints.length > 0) {
    lines.push('', 'Hints:');
    for (const h of hints) lines.push(`  - ${h}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function listScanners(roots: DiscoveryRoots = defaultRoots()): Promise<{ scanners: ScannerCandidate[]; hints: string[] }> {
  const scanners = await discoverScanners(roots);
  return { scanners, hints: hintsFor(scanners) };
}

export function scannersCommand(): Command {
  return new Command('scanners')
    .description('list the scanners plugged into this machine (serial ports, HID and keyboard devices) and the driver that fits each')
    .option('--json', 'print the list as JSON: { scanners: [...], hints: [...] }')
    .addHelpText(
      'after',
      '\nReads /sys and /dev (QRGATE_SYSFS_ROOT and QRGATE_DEV_ROOT point it at another tree, for tests and diagnosis).\nExit status: 0 listed (even if none were found), 2 usage error.',
    )
    .action(async (flags: ScannersFlags) => {
      const { scanners, hints } = await listScanners();
      process.stdout.write(flags.json ? `${JSON.stringify({ scanners, hints }, null, 2)}\n` : renderText(scanners, hints));
    });
}
