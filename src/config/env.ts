/**
 * Environment overrides, derived from the schema so they can never drift from it: every scalar key of an object
 * section is `QRGATE_` + its path in upper snake case (`store.retentionDays` → `QRGATE_STORE_RETENTION_DAYS`).
 * Arrays (scanners) are not overridable from the environment: they belong in the file.
 */
import type { TSchema } from 'typebox';

export interface EnvKey {
  readonly path: readonly string[];
  readonly schema: TSchema;
}

/** Variables with the prefix that are not config keys, so they are not reported as typos. */
export const NON_KEY_VARIABLES = new Set(['QRGATE_CONFIG', 'QRGATE_SYSFS_ROOT', 'QRGATE_DEV_ROOT']);

const snake = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

interface ObjectLike {
  readonly properties?: Record<string, TSchema>;
}

export function envKeys(schema: TSchema, prefix: readonly string[] = []): Map<string, EnvKey> {
  const out = new Map<string, EnvKey>();
  const props = (schema as ObjectLike).properties ?? {};
  for (const [key, sub] of Object.entries(props)) {
    const path = [...prefix, key];
    const type = (sub as { type?: unknown }).type;
    if (type === 'object') for (const [name, k] of envKeys(sub, path)) out.set(name, k);
    else if (type !== 'array') out.set(`QRGATE_${path.map(snake).join('_')}`, { path, schema: sub });
  }
  return out;
}
