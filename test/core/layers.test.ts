/**
 * The layer rules are enforced by lint, not only claimed: a forbidden import in each layer fails `npm run lint`
 * with the layer rule (a static import, and an `import()` too), and an allowed one passes. The probes are linted as text at a path inside each layer, with
 * the real eslint.config.js (type-aware rules off: the probe files do not exist on disk, and the layer rules need no types).
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const PROBE = '__layer_probe__.ts';
const STATIC = '@typescript-eslint/no-restricted-imports';
const DYNAMIC = 'layers/no-restricted-dynamic-import';
const RULES = new Set([STATIC, DYNAMIC, 'no-restricted-syntax', 'no-restricted-globals']);
// Type-aware rules are off for every file here: the layer rules need no types, and building the program for a real
// file took over 20 s on a busy 2-core machine.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] });

async function ruleHits(dir: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const probe = 1;\n`, { filePath: `${process.cwd()}/${dir}/${PROBE}` });
  return (result?.messages ?? []).filter((m) => RULES.has(m.ruleId ?? '')).map((m) => m.ruleId ?? '');
}

describe('layer rules', () => {
  it.each([
    ['src/core', "import '../store/checkin-store.js';"],
    ['src/core', "import 'mqtt';"],
    ['src/decode', "import 'node:fs';"],
    ['src/decode', "import '../store/types.js';"],
    ['src/decode', "import 'mqtt';"],
    // src/decode is an allow-list (./ and ../core/): a layer the list of forbidden folders never named, or any package.
    ['src/decode', "import '../central/parse.js';"],
    ['src/decode', "import 'pino';"],
    ['src/decode', "import 'yaml';"],
    ['src/decode', "import '../logger.js';"],
    ['src/store', "import '../forwarder/forwarder.js';"],
    ['src/store', "import '../http/server.js';"],
    ['src/store', "import 'mqtt';"],
    ['src/forwarder', "import '../../drivers/index.js';"],
    ['src/forwarder', "import '../checkin/pipeline.js';"],
    ['src/forwarder', "import '../http/server.js';"],
    ['drivers/serial', "import '../../src/store/checkin-store.js';"],
    ['drivers', "import '../src/forwarder/forwarder.js';"],
    ['src/checkin', "import '../forwarder/forwarder.js';"],
    ['src/http/routes', "import '../../cli/usage-error.js';"],
    ['src/provision', "import '../cli/usage-error.js';"],
    // Provisioning gets its driver factory from the CLI; it may not build drivers itself.
    ['src/provision', "import { createDriver } from '../../drivers/index.js';"],
    ['src/central', "import '../../drivers/index.js';"],
    ['src/central', "import '../checkin/pipeline.js';"],
    ['src/central', "import '../app.js';"],
    ['src/central', "import '../cli/main.js';"],
    ['src/store', "import '../app.js';"],
    // mqtt.js has one importer, src/forwarder/connection.ts.
    ['src/forwarder', "import 'mqtt';"],
    ['src/doctor', "import 'mqtt';"],
    ['src/provision', "import 'mqtt';"],
    ['src/cli', "import 'mqtt';"],
    ['src/central', "import 'mqtt';"],
    ['src', "import 'mqtt';"],
  ])('%s: %s fails lint', async (dir, source) => {
    expect(await ruleHits(dir, source)).toEqual([STATIC]);
  });

  it.each([
    ['src/decode', "export const m = import('../central/parse.js');"],
    ['src/decode', 'export const m = import(`pino`);'],
    ['src/store', "export const m = import('mqtt');"],
    ['src/forwarder', "export const m = import('../http/server.js');"],
    ['src/provision', "export const m = import('../../drivers/index.js');"],
    ['drivers/serial', "export const m = import('../../src/store/checkin-store.js');"],
    ['src/central', "export const m = import('../cli/main.js');"],
    // A computed source cannot be checked, so it is refused.
    ['src/store', "const name = 'mqtt';\nexport const m = import(name);"],
  ])('%s: a dynamic %s fails lint', async (dir, source) => {
    expect(await ruleHits(dir, source)).toEqual([DYNAMIC]);
  });

  it.each([
    ['src/decode', "import '../core/codes.js';"],
    ['drivers/serial', "import '../../src/core/clock.js';"],
    ['src/forwarder', "import '../store/types.js';"],
    ['src/cli', "import '../app.js';"],
    ['src/provision', "import type { DriverFactory } from '../../drivers/index.js';"],
    ['src/provision', "import { ScannerEntrySchema } from '../../drivers/config.js';"],
    ['src/central', "import '../forwarder/contract.js';"],
    ['src/central', "import './app.js';"],
    ['src/decode', "export const m = import('./cccd.js');"],
  ])('%s: %s is allowed', async (dir, source) => {
    expect(await ruleHits(dir, source)).toEqual([]);
  });

  it('lets src/forwarder/connection.ts, and it alone, import mqtt.js', async () => {
    const [result] = await eslint.lintFiles(['src/forwarder/connection.ts']);
    expect(result?.messages.filter((m) => m.ruleId === STATIC)).toEqual([]);
    expect(result?.source ?? readFileSync('src/forwarder/connection.ts', 'utf8')).toMatch(/from 'mqtt'/);
    // Type-aware lint of a real file builds the TypeScript program first: 10-25 s on a busy 2-core machine.
  }, 60_000);

  it.each([
    ['src/store', 'export const t = Date.now();'],
    ['drivers', 'export const t = new Date();'],
    ['src/forwarder', 'setTimeout(() => undefined, 1);'],
  ])('%s: reading the wall clock or a global timer outside the Clock fails lint (%s)', async (dir, source) => {
    expect((await ruleHits(dir, source)).length).toBe(1);
  });

  it.each([
    ['src/forwarder', 1],
    ['src/doctor', 1],
    ['drivers/serial', 1],
    ['src/cli', 0],
  ])('%s: importing systemClock (only composition roots and the allow-list may) gives %i lint error', async (dir, errors) => {
    const core = dir.startsWith('drivers') ? '../../src/core' : '../core';
    const hits = await ruleHits(dir, `import { systemClock } from '${core}/clock.js';\nexport const c = systemClock;`);
    expect(hits).toEqual(errors === 0 ? [] : ['no-restricted-syntax']);
  });
});
