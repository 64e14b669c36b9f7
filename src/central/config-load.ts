/**
 * Reads, defaults, validates and freezes central's configuration, with every problem listed by its path (the kiosk
 * loader's rules, src/config/load.ts). Environment overrides are `QRGATE_CENTRAL_` + the key in upper snake case
 * (`broker.listen.port` → `QRGATE_CENTRAL_BROKER_LISTEN_PORT`), so a kiosk's variables never apply to central.
 */
import { readFileSync } from 'node:fs';
import { Value } from 'typebox/value';
import { parseDocument } from 'yaml';
import { envKeys, type EnvKey } from '../config/env.js';
import { ConfigError, type ConfigProblem } from '../config/load.js';
import { isLoopbackHost, plaintextBeyondLoopback } from '../config/transport.js';
import { isValidTimeZone } from '../core/zone.js';
import { CentralConfigSchema, type CentralConfig } from './config-schema.js';
import { deepFreeze, dropNulls } from '../config/tree.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The environment variables of central's keys. */
export function centralEnvKeys(): Map<string, EnvKey> {
  return new Map([...envKeys(CentralConfigSchema)].map(([name, key]) => [name.replace(/^QRGATE_/, 'QRGATE_CENTRAL_'), key]));
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1] as string] = value;
}

const dotted = (pointer: string): string =>
  pointer
    .split('/')
    .filter((p) => p !== '')
    .join('.') || '(top level)';

export function resolveCentralConfig(document: unknown, env: NodeJS.ProcessEnv, source = '(inline)'): CentralConfig {
  if (document !== null && document !== undefined && !isObject(document))
    throw new ConfigError(source, [{ path: '(top level)', message: 'must be a mapping of sections (broker:, store:, …)' }]);
  const problems: ConfigProblem[] = [];
  const raw = dropNulls(structuredClone(document ?? {})) as Json;
  const keys = centralEnvKeys();
  for (const [name, text] of Object.entries(env)) {
    const key = text === undefined ? undefined : keys.get(name);
    if (key === undefined || text === undefined) continue;
    const converted = Value.Convert(key.schema, text);
    if (!Value.Check(key.schema, converted))
      problems.push({ path: `${name} (environment)`, message: `"${text}" is not a valid value for ${key.path.join('.')}` });
    else setPath(raw, key.path, converted);
  }
  if (env.LOG_LEVEL !== undefined) setPath(raw, ['log', 'level'], env.LOG_LEVEL);
  const value = Value.Default(CentralConfigSchema, raw) as Json;
  for (const e of Value.Errors(CentralConfigSchema, value)) {
    if (e.keyword === 'additionalProperties') continue;
    problems.push({ path: dotted(e.instancePath), message: e.message === 'schema is false' ? 'unknown key' : e.message });
  }
  const zone = (value.fleet as Json | undefined)?.timeZone;
  if (typeof zone === 'string' && !isValidTimeZone(zone))
    problems.push({ path: 'fleet.timeZone', message: `"${zone}" is not a time zone the system knows (e.g. Asia/Ho_Chi_Minh)` });
  const broker = value.broker as Json | undefined;
  if (broker?.url !== undefined && broker.clientId === undefined)
    problems.push({ path: 'broker.clientId', message: 'is required with broker.url (a stable id, unique to this central process)' });
  problems.push(...plaintextProblems(broker));
  if (problems.length > 0) throw new ConfigError(source, problems);
  return deepFreeze(value as CentralConfig);
}

/**
 * Check-ins in plain MQTT beyond this machine carry personal data in clear text (the kiosk's rule,
 * src/config/transport.ts): refused unless the configuration says so, on either side of central's MQTT link.
 */
function plaintextProblems(broker: Json | undefined): ConfigProblem[] {
  if (broker === undefined) return [];
  const unsafe = 'only on a network you trust';
  if (typeof broker.url === 'string') {
    const host = plaintextBeyondLoopback(broker.url);
    if (host === null || broker.allowPlaintext === true) return [];
    return [
      {
        path: 'broker.url',
        message: `plain MQTT to ${host} would bring check-ins (names, numbers, addresses) and central's password across the network unencrypted: use mqtts:// (broker.ca for the broker's CA), or, ${unsafe}, set broker.allowPlaintext: true (unsafe)`,
      },
    ];
  }
  const listen = isObject(broker.listen) ? broker.listen : {};
  if (listen.tls !== undefined || listen.allowPlaintext === true || typeof listen.host !== 'string' || isLoopbackHost(listen.host))
    return [];
  return [
    {
      path: 'broker.listen.host',
      message: `plain MQTT on ${listen.host} would let kiosks send check-ins (names, numbers, addresses) and their passwords unencrypted: set broker.listen.tls (cert and key), or listen on 127.0.0.1, or, ${unsafe}, set broker.listen.allowPlaintext: true (unsafe)`,
    },
  ];
}

export function loadCentralConfig(file: string, env: NodeJS.ProcessEnv = process.env): CentralConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read it: ${reason}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: `(yaml, line ${e.linePos?.[0].line ?? '?'})`, message: e.message.split('\n')[0] ?? e.message })),
    );
  return resolveCentralConfig(doc.toJS() as unknown, env, file);
}
