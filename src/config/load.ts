/**
 * Reads, merges, defaults, validates and freezes the configuration. An invalid configuration fails with every
 * problem listed by its path, never just the first one, so a technician fixes the file in one go.
 */
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { parseDocument } from 'yaml';
import { ScannerEntrySchema } from '../../drivers/config.js';
import { isValidTimeZone } from '../core/zone.js';
import { envKeys, NON_KEY_VARIABLES } from './env.js';
import { ConfigSchema, type Config } from './schema.js';
import { plaintextBeyondLoopback, PLAINTEXT_FIX } from './transport.js';

export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'E_CONFIG';
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`invalid configuration ${source}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
  }
}

export interface LoadedConfig {
  readonly config: Config;
  /** `QRGATE_*` variables that match no key: probably typos, worth a warning in the log. */
  readonly unknownEnv: readonly string[];
}

type Json = Record<string, unknown>;

/** `/scanners/0/path` → `scanners[0].path` */
function dotted(pointer: string): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
}

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
      problems.push({ path: `${name} (environment)`, message: `"${text}" is not a valid value for ${key.path.join('.')}` });
      continue;
    }
    setPath(raw, key.path, converted);
  }
  if (env.LOG_LEVEL !== undefined) setPath(raw, ['log', 'level'], env.LOG_LEVEL);
  return unknown;
}

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly message: string;
}

/**
 * One readable problem per mistake: an unknown key is reported at its own path (not also as "additional
 * properties" on its parent), and the branches of a oneOf are summarised by the oneOf itself.
 */
function readable(error: SchemaError, prefix: string): ConfigProblem | null {
  if (error.keyword === 'additionalProperties' || error.schemaPath.includes('/oneOf/')) return null;
  const path = prefix + (error.instancePath === '' ? '' : (prefix === '' ? '' : '.') + dotted(error.instancePath));
  if (error.message === 'schema is false') return { path, message: 'unknown key' };
  if (error.keyword === 'oneOf') return { path, message: 'give either path or match (exactly one)' };
  return { path: path || '(top level)', message: error.message };
}

/** Validation errors, with each scanner checked against the variant its `type` names (a union's errors are noise). */
function validate(value: Json): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const scanners = Array.isArray(value.scanners) ? (value.scanners as unknown[]) : [];
  for (const error of Value.Errors(ConfigSchema, value)) {
    if (/^\/scanners\/\d+/.test(error.instancePath)) continue;
    const problem = readable(error, '');
    if (problem !== null) problems.push(problem);
  }
  const zone = isObject(value.clock) ? value.clock.timeZone : undefined;
  if (typeof zone === 'string' && zone !== '' && !isValidTimeZone(zone)) {
    problems.push({ path: 'clock.timeZone', message: `"${zone}" is not a time zone this system knows (an IANA name such as Asia/Ho_Chi_Minh)` });
  }
  const ids = new Set<string>();
  scanners.forEach((entry, i) => {
    const type = isObject(entry) ? entry.type : undefined;
    const variant = ScannerEntrySchema.anyOf.find((v) => v.properties.type.const === type);
    if (variant === undefined) {
      const types = ScannerEntrySchema.anyOf.map((v) => v.properties.type.const).join(', ');
      problems.push({ path: `scanners[${i}].type`, message: `must be one of: ${types}` });
      return;
    }
    for (const error of Value.Errors(variant, entry)) {
      const problem = readable(error, `scanners[${i}]`);
      if (problem !== null) problems.push(problem);
    }
    const id = isObject(entry) ? entry.id : undefined;
    if (typeof id === 'string') {
      if (ids.has(id)) problems.push({ path: `scanners[${i}].id`, message: `"${id}" is used by another scanner` });
      ids.add(id);
    }
  });
  return problems;
}

/** Plain MQTT beyond this machine carries personal data in clear text: only with an explicit, documented opt-in. */
function transportProblems(config: Config): ConfigProblem[] {
  const host = plaintextBeyondLoopback(config.mqtt.url);
  if (host === null || config.mqtt.allowPlaintext) return [];
  return [{ path: 'mqtt.url', message: `plain MQTT to ${host} would send check-ins (names, numbers, addresses) and the password unencrypted: ${PLAINTEXT_FIX}` }];
}

/** In YAML a key with nothing under it (or only comments) is null: treat it as not set, so defaults apply. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Builds the configuration from an already-parsed document and the environment. */
export function resolveConfig(document: unknown, env: NodeJS.ProcessEnv, source = '(inline)'): LoadedConfig {
  const problems: ConfigProblem[] = [];
  if (document !== null && document !== undefined && !isObject(document)) {
    throw new ConfigError(source, [{ path: '(top level)', message: 'must be a mapping of sections (device:, store:, …)' }]);
  }
  const raw = dropNulls(structuredClone(document ?? {})) as Json;
  const unknownEnv = applyEnv(raw, env, problems);
  const value = Value.Default(ConfigSchema, raw) as Json;
  problems.push(...validate(value));
  if (problems.length === 0) problems.push(...transportProblems(value as Config));
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config: deepFreeze(value as Config), unknownEnv };
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read it: ${reason}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => ({ path: `(yaml, line ${e.linePos?.[0].line ?? '?'})`, message: e.message.split('\n')[0] ?? e.message })));
  }
  return resolveConfig(doc.toJS() as unknown, env, file);
}
