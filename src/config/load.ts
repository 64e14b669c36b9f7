/**
 * Reads, merges, defaults, validates and freezes the configuration. An invalid configuration fails with every
 * problem listed by its path, never just the first one, so a technician fixes the file in one go.
 */
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ScannerEntrySchema } from '../../drivers/config.js';
import { isValidTimeZone } from '../core/zone.js';
import { envKeys, NON_KEY_VARIABLES } from './env.js';
import { nearest, readableProblems, shown, type ConfigProblem } from './problems.js';
import { ConfigSchema, type Config } from './schema.js';
import { plaintextBeyondLoopback, PLAINTEXT_FIX } from './transport.js';
import { deepFreeze, dropNulls } from './tree.js';

export type { ConfigProblem } from './problems.js';

/** `  - scanners[0].path (line 12, column 5): message` */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? '' : ` (line ${p.line}, column ${p.column ?? 1})`;
  return `${p.path}${where}: ${p.message}`;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'E_CONFIG';
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid configuration ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${formatProblem(p)}`).join('\n')}`,
    );
  }
}

export interface LoadedConfig {
  readonly config: Config;
  /** `QRGATE_*` variables that match no key: probably typos, worth a warning in the log. */
  readonly unknownEnv: readonly string[];
  /** What the daemon warns about at start and `run --check` prints: the same list, so the two agree. */
  readonly warnings: readonly ConfigProblem[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1] as string] = value;
}

function applyEnv(raw: Json, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): string[] {
  const keys = envKeys(ConfigSchema);
  const unknown: string[] = [];
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('QRGATE_') || text === undefined) continue;
    const key = keys.get(name);
    if (key === undefined) {
      if (!NON_KEY_VARIABLES.has(name)) unknown.push(name);
      continue;
    }
    const converted = Value.Convert(key.schema, text);
    if (!Value.Check(key.schema, converted)) {
      // The same words as the file's problems: the allowed values, or the form expected.
      const why = readableProblems(key.schema, converted).map((p) => p.message);
      problems.push({
        path: `${name} (environment)`,
        message: `sets ${key.path.join('.')}, which ${why.length > 0 ? why.join('; ') : `cannot be "${text}"`}`,
      });
      continue;
    }
    setPath(raw, key.path, converted);
  }
  if (env.LOG_LEVEL !== undefined) setPath(raw, ['log', 'level'], env.LOG_LEVEL);
  return unknown;
}

/** Validation errors, with each scanner checked against the variant its `type` names (a union's errors are noise). */
function validate(value: Json): ConfigProblem[] {
  const problems = readableProblems(ConfigSchema, value).filter((p) => !/^scanners\[\d+\]/.test(p.path));
  const scanners = Array.isArray(value.scanners) ? (value.scanners as unknown[]) : [];
  const zone = isObject(value.clock) ? value.clock.timeZone : undefined;
  if (typeof zone === 'string' && zone !== '' && !isValidTimeZone(zone)) {
    problems.push({
      path: 'clock.timeZone',
      at: ['clock', 'timeZone'],
      message: `"${zone}" is not a time zone this system knows (an IANA name such as Asia/Ho_Chi_Minh)`,
    });
  }
  const ids = new Set<string>();
  scanners.forEach((entry, i) => {
    const at = ['scanners', String(i)];
    if (!isObject(entry)) {
      problems.push({
        path: `scanners[${i}]`,
        at,
        message: `must be a mapping of keys (id:, type:, path: …; see docs/scanners.md), not ${shown(entry)}`,
      });
      return;
    }
    const type = entry.type;
    const variant = ScannerEntrySchema.anyOf.find((v) => v.properties.type.const === type);
    if (variant === undefined) {
      const types = ScannerEntrySchema.anyOf.map((v) => v.properties.type.const);
      const guess = typeof type === 'string' ? nearest(type, types) : null;
      const message = `must be one of ${types.map((t) => `"${t}"`).join(', ')} (got ${JSON.stringify(type) ?? 'nothing'})${guess === null ? '' : `; did you mean "${guess}"?`}`;
      problems.push({ path: `scanners[${i}].type`, at: [...at, 'type'], message });
      return;
    }
    problems.push(...readableProblems(variant, entry, at));
    // The schema cannot say "file is required when source is file"; the driver would only fail at start.
    if (isObject(entry) && entry.type === 'simulated' && entry.source === 'file' && entry.file === undefined) {
      problems.push({
        path: `scanners[${i}].file`,
        at: [...at, 'source'],
        message: 'required when source is "file": the payload file to replay, one scan per line',
      });
    }
    const id = isObject(entry) ? entry.id : undefined;
    if (typeof id === 'string') {
      if (ids.has(id)) problems.push({ path: `scanners[${i}].id`, at: [...at, 'id'], message: `"${id}" is used by another scanner` });
      ids.add(id);
    }
  });
  return problems;
}

/**
 * Plain MQTT beyond this machine carries personal data in clear text: only with an explicit, documented opt-in.
 * Checked whatever else is wrong (the value may be invalid elsewhere), so one run lists every problem.
 */
function transportProblems(value: Json): ConfigProblem[] {
  const mqtt = isObject(value.mqtt) ? value.mqtt : {};
  const host = typeof mqtt.url === 'string' ? plaintextBeyondLoopback(mqtt.url) : null;
  if (host === null || mqtt.allowPlaintext === true) return [];
  return [
    {
      path: 'mqtt.url',
      at: ['mqtt', 'url'],
      message: `plain MQTT to ${host} would send check-ins (names, numbers, addresses) and the password unencrypted: ${PLAINTEXT_FIX}`,
    },
  ];
}

/** Unknown `QRGATE_*` variables, each with the variable it was probably meant to be. */
function envWarnings(unknown: readonly string[]): ConfigProblem[] {
  const names = [...envKeys(ConfigSchema).keys(), ...NON_KEY_VARIABLES];
  return unknown.map((name) => {
    const guess = nearest(
      name.slice('QRGATE_'.length),
      names.map((n) => n.slice('QRGATE_'.length)),
    );
    return {
      path: `${name} (environment)`,
      message: `matches no configuration key, so it is ignored${guess === null ? '' : `; did you mean QRGATE_${guess}?`}`,
    };
  });
}

/** Builds the configuration from an already-parsed document and the environment. */
export function resolveConfig(document: unknown, env: NodeJS.ProcessEnv, source = '(inline)', locate?: Locator): LoadedConfig {
  const problems: ConfigProblem[] = [];
  if (document !== null && document !== undefined && !isObject(document)) {
    throw new ConfigError(source, [{ path: '(top level)', message: 'must be a mapping of sections (device:, store:, …)' }]);
  }
  const raw = dropNulls(structuredClone(document ?? {})) as Json;
  const unknownEnv = applyEnv(raw, env, problems);
  const value = Value.Default(ConfigSchema, raw) as Json;
  problems.push(...validate(value), ...transportProblems(value));
  if (problems.length > 0) {
    // `at` only served to find the position in the file.
    const shown = (locate === undefined ? problems : problems.map(locate)).map(({ at: _at, ...p }) => p);
    throw new ConfigError(source, shown);
  }
  return { config: deepFreeze(value as Config), unknownEnv, warnings: envWarnings(unknownEnv) };
}

type Locator = (p: ConfigProblem) => ConfigProblem;

/** Adds the line and column of the key a problem is about, or of its nearest parent written in the file. */
function locator(doc: Document, lines: LineCounter): Locator {
  return (p) => {
    if (p.at === undefined) return p;
    for (let n = p.at.length; n > 0; n -= 1) {
      const offset = keyOffset(doc, p.at.slice(0, n));
      if (offset !== null) {
        const { line, col } = lines.linePos(offset);
        return { ...p, line, column: col };
      }
    }
    return p;
  };
}

function keyOffset(doc: Document, parts: readonly string[]): number | null {
  let node: unknown = doc.contents;
  let offset: number | null = null;
  for (const part of parts) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isNode(it.key) && String((it.key as { value?: unknown }).value) === part);
      if (pair === undefined) return null;
      offset = isNode(pair.key) ? (pair.key.range?.[0] ?? null) : null;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(part)];
      if (item === undefined) return null;
      offset = isNode(item) ? (item.range?.[0] ?? null) : null;
      node = item;
    } else {
      return null;
    }
  }
  return offset;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read it: ${reason}` }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    // The library's message ends in "at line L, column C:" followed by the offending line: keep the words, give the
    // position as the other problems do.
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        const words = (e.message.split('\n')[0] ?? e.message).replace(/\s*at line \d+, column \d+:?\s*$/, '').replace(/:$/, '');
        const pos = e.linePos?.[0];
        return { path: '(yaml syntax)', message: words, ...(pos === undefined ? {} : { line: pos.line, column: pos.col }) };
      }),
    );
  }
  return resolveConfig(doc.toJS() as unknown, env, file, locator(doc, lines));
}
