/**
 * Schema errors → one readable problem per mistake, for the technician editing the file: every problem (TypeBox
 * stops at 8 by default), its full key path, the allowed values or the expected form, "did you mean" for a near-miss
 * key, and the value that was given. Pure: the YAML positions are added by the caller (load.ts).
 */
import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';

export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  /** 1-based position in the YAML file, when the problem comes from a file. */
  readonly line?: number;
  readonly column?: number;
  /** The key path as parts (`['scanners', '0', 'path']`), to find the position; not shown. */
  readonly at?: readonly string[];
}

interface SchemaError {
  readonly keyword: string;
  readonly schemaPath: string;
  readonly instancePath: string;
  readonly message: string;
  readonly params?: Record<string, unknown>;
}

interface SchemaLike {
  readonly properties?: Record<string, SchemaLike>;
  readonly items?: SchemaLike;
  readonly anyOf?: readonly SchemaLike[];
  readonly const?: unknown;
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly required?: readonly string[];
  readonly pattern?: string;
}

/** What a pattern means, in words; a pattern not listed here is shown as it is. */
const FORMS: Readonly<Record<string, string>> = {
  '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$':
    'a name of letters, digits, "_", "-" or ".", starting with a letter or digit, at most 64 characters (e.g. kiosk-01)',
  '^[A-Za-z0-9_.-]+$': 'letters, digits, "_", "-" or "." (e.g. gate)',
  '^[0-9a-fA-F]{4}$': '4 hex digits as lsusb shows them (e.g. "0c2e"; quote it in YAML)',
  '^([01][0-9]|2[0-3]):[0-5][0-9]$': 'a time "HH:MM" from "00:00" to "23:59" (quote it in YAML)',
  '^(([01][0-9]|2[0-3]):[0-5][0-9]|never)$': 'a time "HH:MM" from "00:00" to "23:59" (quote it in YAML), or "never"',
  '^(mqtts?|wss?|tcp|ssl)://':
    'a URL starting with mqtt://, mqtts://, ws://, wss://, tcp:// or ssl:// (e.g. mqtts://broker.example.gov.vn:8883)',
  '^[^#+/][^#+]*$': 'a topic without "#" or "+" that does not start with "/" (e.g. qrgate)',
};

/** Every error, not only the first 8 TypeBox gives by default. */
export function allErrors(schema: TSchema, value: unknown): SchemaError[] {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 100_000 });
  try {
    return Value.Errors(schema, value);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

export function pointerParts(pointer: string): string[] {
  return pointer
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `['scanners', '0', 'path']` → `scanners[0].path` */
export function dottedPath(parts: readonly string[]): string {
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
}

export function schemaAt(root: TSchema, parts: readonly string[]): SchemaLike | undefined {
  let node: SchemaLike | undefined = root;
  for (const part of parts) {
    if (node === undefined) return undefined;
    node = /^\d+$/.test(part) && node.items !== undefined ? node.items : node.properties?.[part];
  }
  return node;
}

function valueAt(root: unknown, parts: readonly string[]): unknown {
  let node = root;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** A value as the technician wrote it, cut short when long. */
export function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let diag = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const up = row[j] as number;
      row[j] = Math.min(up + 1, (row[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length] as number;
}

/** The closest candidate, when it is close enough to be a typo (or differs only in case or separators). */
export function nearest(word: string, candidates: Iterable<string>): string | null {
  const norm = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = norm(c) === norm(word) ? 0 : distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  return best !== null && bestDistance <= limit ? best : null;
}

/** The allowed values of a choice (a union of literals, booleans), or null when it is not a choice. */
export function choices(schema: SchemaLike | undefined): string[] | null {
  if (schema?.anyOf === undefined) return null;
  const out: string[] = [];
  for (const branch of schema.anyOf) {
    if (branch.const !== undefined) out.push(JSON.stringify(branch.const));
    else if (branch.type === 'boolean') out.push('true', 'false');
    else return null;
  }
  return out;
}

/** The first sentence of a key's description: what it is and, mostly, the form it takes. */
function gist(schema: SchemaLike | undefined): string {
  const d = schema?.description ?? '';
  // "e.g." and "i.e." do not end a sentence.
  const end = d.search(/(?<!\b(?:e\.g|i\.e))\.\s|;\s/);
  return (end === -1 ? d : d.slice(0, end)).replace(/\.$/, '');
}

function expectation(schema: SchemaLike | undefined, error: SchemaError): string {
  if (error.keyword === 'pattern') {
    const given = error.params?.pattern;
    const pattern = typeof given === 'string' ? given : (schema?.pattern ?? '');
    return `must be ${FORMS[pattern] ?? `text matching ${pattern}`}`;
  }
  if (error.keyword === 'minLength' && error.params?.limit === 1) return 'must not be empty';
  return error.message;
}

/** Missing keys, each at its own path; a missing section with required keys of its own lists those instead. */
function missing(root: TSchema, parts: readonly string[], names: readonly string[]): ConfigProblem[] {
  return names.flatMap((name) => {
    const at = [...parts, name];
    const schema = schemaAt(root, at);
    const inner = schema?.type === 'object' && schema.default === undefined ? (schema.required ?? []) : [];
    if (inner.length > 0) return missing(root, at, inner);
    const what = gist(schema);
    return [{ path: dottedPath(at), at, message: `required, but not set${what === '' ? '' : `: ${what}`}` }];
  });
}

/**
 * One problem per mistake: an unknown key at its own path (not also as "additional properties" on its parent), the
 * branches of a choice summarised as its allowed values, the branches of a oneOf by the oneOf itself.
 */
export function readableProblems(root: TSchema, value: unknown, prefix: readonly string[] = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const choiceDone = new Set<string>();
  for (const error of allErrors(root, value)) {
    if (error.keyword === 'additionalProperties' || error.schemaPath.includes('/oneOf/')) continue;
    const parts = pointerParts(error.instancePath);
    const at = [...prefix, ...parts];
    const path = dottedPath(at);
    const given = valueAt(value, parts);
    if (error.message === 'schema is false') {
      const key = parts[parts.length - 1] ?? '';
      const siblings = Object.keys(schemaAt(root, parts.slice(0, -1))?.properties ?? {});
      const guess = nearest(key, siblings);
      problems.push({ path, at, message: `unknown key${guess === null ? '' : `; did you mean "${guess}"?`}` });
      continue;
    }
    if (error.keyword === 'oneOf') {
      problems.push({ path, at, message: 'give either path or match (exactly one)' });
      continue;
    }
    if (error.keyword === 'required') {
      const names = (error.params?.requiredProperties as string[] | undefined) ?? [];
      problems.push(
        ...missing(root, parts, names).map((p) => ({
          ...p,
          path: dottedPath([...prefix, ...(p.at ?? [])]),
          at: [...prefix, ...(p.at ?? [])],
        })),
      );
      continue;
    }
    // A choice fails once per branch (const, const, …, anyOf): say it once, with what is allowed.
    const schema = schemaAt(root, parts);
    const allowed = choices(schema);
    if (allowed !== null && (error.keyword === 'const' || error.keyword === 'anyOf' || error.keyword === 'type')) {
      if (choiceDone.has(path)) continue;
      choiceDone.add(path);
      const guess =
        typeof given === 'string'
          ? nearest(
              given,
              allowed.map((a) => a.replace(/^"|"$/g, '')),
            )
          : null;
      problems.push({
        path,
        at,
        message: `must be one of ${allowed.join(', ')} (got ${shown(given)})${guess === null ? '' : `; did you mean "${guess}"?`}`,
      });
      continue;
    }
    problems.push({ path, at, message: `${expectation(schema, error)} (got ${shown(given)})` });
  }
  return problems;
}
