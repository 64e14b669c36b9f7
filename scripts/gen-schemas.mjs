// Writes docs/schemas/*.json from the TypeBox schemas of the MQTT contract (run after `npm run build`).
import { mkdirSync, writeFileSync } from 'node:fs';

const { CONTRACT_SCHEMAS } = await import(new URL('../dist/src/forwarder/schemas.js', import.meta.url).href);
const dir = new URL('../docs/schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(CONTRACT_SCHEMAS)) {
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, null, 2)}\n`);
  console.log(`wrote docs/schemas/${name}.json`);
}
