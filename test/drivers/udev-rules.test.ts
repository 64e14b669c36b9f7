/**
 * The shipped udev rules: udevadm is not on test machines, so this checks the file's shape and the promises the
 * docs make (group, ModemManager opt-out, stable links, desktop isolation, every listed vendor covered).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USB_VENDORS } from '../../drivers/usb-ids.js';

const text = readFileSync(new URL('../../drivers/udev/99-qrgate.rules', import.meta.url), 'utf8');
// Continuation lines joined, comments and blanks dropped: one rule per entry.
const rules = text
  .replace(/\\\n\s*/g, '')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const KEY = /^(ACTION|SUBSYSTEMS?|KERNEL|ENV\{\w+\}|ATTRS?\{\w+\}|GROUP|MODE|SYMLINK|IMPORT\{builtin\}|GOTO|LABEL)(==|!=|=|\+=)"[^"]*"$/;

describe('drivers/udev/99-qrgate.rules', () => {
  it('every rule is a comma-separated list of well-formed key/operator/"value" items', () => {
    for (const rule of rules) {
      for (const item of rule.split(/,\s*/)) expect(item, rule).toMatch(KEY);
    }
  });

  it('every GOTO has its LABEL', () => {
    const gotos = new Set(rules.flatMap((r) => [...r.matchAll(/GOTO="(\w+)"/g)].map((m) => m[1])));
    for (const label of gotos) expect(rules).toContain(`LABEL="${label}"`);
  });

  it('gives the qrgate group access to tty, hidraw and input nodes, with stable /dev/qrgate links', () => {
    for (const subsystem of ['tty', 'hidraw', 'input']) {
      const rule = rules.find((r) => r.startsWith(`SUBSYSTEM=="${subsystem}"`) && r.includes('GROUP="qrgate"'));
      expect(rule, subsystem).toBeDefined();
      expect(rule).toContain('MODE="0660"');
      expect(rule).toMatch(/SYMLINK\+="qrgate\//);
    }
  });

  it('keeps ModemManager off scanner tty ports and keyboard-mode scanners off the desktop', () => {
    expect(rules.some((r) => r.startsWith('SUBSYSTEM=="tty"') && r.includes('ENV{ID_MM_DEVICE_IGNORE}="1"'))).toBe(true);
    expect(rules.some((r) => r.startsWith('SUBSYSTEM=="input"') && r.includes('ENV{LIBINPUT_IGNORE_DEVICE}="1"'))).toBe(true);
  });

  it('covers every vendor of the data table', () => {
    for (const v of USB_VENDORS) expect(text, v.vendorId).toContain(v.vendorId);
  });
});

describe('docs/scanners.md', () => {
  it('documents every driver code', async () => {
    const { driverCodes } = await import('../../src/core/codes.js');
    const doc = readFileSync(new URL('../../docs/scanners.md', import.meta.url), 'utf8');
    for (const code of driverCodes()) expect(doc, code).toContain(`\`${code}\``);
  });
});
