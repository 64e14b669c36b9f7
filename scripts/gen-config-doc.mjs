// Writes docs/config.md from the configuration schema's descriptions and defaults (run after `npm run build`),
// so the reference can never drift from what the daemon validates.
import { readFileSync, writeFileSync } from 'node:fs';

const { ConfigSchema } = await import(new URL('../dist/src/config/schema.js', import.meta.url).href);
const { envKeys } = await import(new URL('../dist/src/config/env.js', import.meta.url).href);

const envByPath = new Map([...envKeys(ConfigSchema)].map(([name, k]) => [k.path.join('.'), name]));

function typeOf(s) {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') return `list of ${s.items?.description ? 'entries' : typeOf(s.items ?? {})}`;
  return s.type ?? 'any';
}

const cell = (text) =>
  String(text ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\n/g, ' ');
const rows = [];
function walk(schema, path, required) {
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const p = [...path, key].join('.');
    if (sub.type === 'object' && sub.properties) {
      rows.push(`| **\`${p}\`** | section | | ${cell(sub.description)} | |`);
      walk(sub, [...path, key], new Set(sub.required ?? []));
      continue;
    }
    const dflt = sub.default === undefined ? (required.has(key) ? '*required*' : '') : `\`${JSON.stringify(sub.default)}\``;
    const env = envByPath.get(p);
    rows.push(`| \`${p}\` | ${cell(typeOf(sub))} | ${dflt} | ${cell(sub.description)} | ${env ? `\`${env}\`` : ''} |`);
  }
}
walk(ConfigSchema, [], new Set(ConfigSchema.required ?? []));

const scanners = ConfigSchema.properties.scanners.items.anyOf.map((variant) => {
  const lines = [
    `### \`type: ${variant.properties.type.const}\` — ${variant.description ?? ''}`,
    '',
    cell(variant.properties.type.description),
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
  ];
  for (const [key, sub] of Object.entries(variant.properties)) {
    if (key === 'type') continue;
    const dflt =
      sub.default === undefined ? ((variant.required ?? []).includes(key) ? '*required*' : '') : `\`${JSON.stringify(sub.default)}\``;
    lines.push(`| \`${key}\` | ${cell(typeOf(sub))} | ${dflt} | ${cell(sub.description)} |`);
  }
  return lines.join('\n');
});

const doc = `# Configuration reference

Generated from the schema in \`src/config/schema.ts\` and \`drivers/config.ts\` by \`npm run docs:config\`; do not edit
by hand (a test fails when this file and the schema disagree).

The daemon reads one YAML file: \`--config FILE\`, else \`$QRGATE_CONFIG\`, else \`/etc/qrgate/config.yaml\`. Start from
[config/example.yaml](../config/example.yaml), or let \`qrgate provision\` write it. Check a file with
\`qrgate run --check --config FILE\`: an invalid file is refused with every problem listed (exit 78, which
systemd does not restart on), each with its full key path, its line and column in the file, the allowed values or the
expected form, the value given, and "did you mean" for a near-miss key or value. A plain \`mqtt://\` broker beyond the
kiosk (without \`mqtt.allowPlaintext\`) is listed with the rest, and an invalid \`QRGATE_\` value is explained in the
same words (\`QRGATE_LOG_LEVEL (environment): sets log.level, which must be one of "fatal", … (got "verbose")\`):

\`\`\`text
qrgate: invalid configuration /etc/qrgate/config.yaml (3 problems):
  - device.site (line 1, column 1): required, but not set: The site (office, building) the kiosk stands at
  - device.sitee (line 3, column 3): unknown key; did you mean "site"?
  - scanners[0].terminator (line 10, column 5): must be one of "cr", "lf", "crlf", "auto", "none" (got "CR"); did you mean "cr"?
\`\`\`

\`--check\` and the daemon agree exactly: both refuse the same files (a simulated scanner with \`source: file\` and no
\`file\` included), and \`--check\` prints the warnings the daemon logs at start, such as a \`QRGATE_\` variable that
matches no key (\`QRGATE_MQTT_URLL … did you mean QRGATE_MQTT_URL?\`), then exits 0.

A key with nothing under it counts as not set. Every scalar key can be overridden from the environment (last column); lists (\`scanners\`) cannot. \`LOG_LEVEL\` overrides \`log.level\`.

Secrets are never written in this file: the broker password lives in the file named by \`mqtt.passwordFile\`, and the
key that seals personal data in \`store.keyFile\`.

| key | type | default | meaning | environment |
|---|---|---|---|---|
${rows.join('\n')}

## Scanners

Each entry of \`scanners:\` has an \`id\` and a \`type\`, and either a \`path\` or a USB \`match\` (not both).
\`qrgate scanners\` lists what is plugged in and the entry that fits it. More in [scanners.md](scanners.md).

${scanners.join('\n\n')}
`;
const target = new URL('../docs/config.md', import.meta.url);
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== doc) {
    console.error('docs/config.md is out of date with the schema: run `npm run docs:config`');
    process.exit(1);
  }
  console.log('docs/config.md matches the schema');
} else {
  writeFileSync(target, doc);
  console.log('wrote docs/config.md');
}
