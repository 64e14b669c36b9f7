import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('docs/config.md', () => {
  it('is generated from the schema (npm run docs:config) and matches it', () => {
    const run = spawnSync(process.execPath, ['scripts/gen-config-doc.mjs', '--check'], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toContain('docs/config.md matches the schema');
    expect(run.status).toBe(0);
  });
});
