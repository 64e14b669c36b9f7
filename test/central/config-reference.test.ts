import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('docs/central-config.md', () => {
  it('is generated from the schema (npm run docs:config)', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-central-config-doc.mjs', '--check'], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toContain('docs/central-config.md matches the schema');
  });
});
