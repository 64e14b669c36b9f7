// Writes docs/central-config.md from central's configuration schema (run after `npm run build`), as
// scripts/gen-config-doc.mjs does for the kiosk; `--check` fails when the file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';

const { CentralConfigSchema } = await import(new URL('../dist/src/central/config-schema.js', import.meta.url).href);
const { centralEnvKeys } = await import(new URL('../dist/src/central/config-load.js', import.meta.url).href);

const envByPath = new Map([...centralEnvKeys()].map(([name, k]) => [k.path.join('.'), name]));
const typeOf = (s) => (s.const !== undefined ? JSON.stringify(s.const) : s.anyOf ? s.anyOf.map(typeOf).join(' | ') : (s.type ?? 'any'));
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
walk(CentralConfigSchema, [], new Set(CentralConfigSchema.required ?? []));

const doc = `# Central configuration reference

Generated from the schema in \`src/central/config-schema.ts\` by \`npm run docs:config\`; do not edit by hand.

\`qrgate central run\` reads one YAML file: \`--config FILE\`, else \`$QRGATE_CENTRAL_CONFIG\`, else
\`/etc/qrgate/central.yaml\`. \`qrgate central run --check --config FILE\` validates it; an invalid file is refused
with every problem listed by its path (exit 78). Every scalar key can be overridden from the environment (last
column: \`QRGATE_CENTRAL_\` and the key in upper snake case). \`LOG_LEVEL\` overrides \`log.level\`. See
[central.md](central.md).

| key | type | default | meaning | environment |
|---|---|---|---|---|
${rows.join('\n')}
`;
const target = new URL('../docs/central-config.md', import.meta.url);
if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== doc) {
    console.error('docs/central-config.md is out of date with the schema: run `npm run docs:config`');
    process.exit(1);
  }
  console.log('docs/central-config.md matches the schema');
} else {
  writeFileSync(target, doc);
  console.log('wrote docs/central-config.md');
}
