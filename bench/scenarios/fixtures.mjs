// Backlog stores built once per bench process and copied into each run's folder.
import { join } from 'node:path';
import { buildBacklog } from '../../scripts/lib/backlog.mjs';
import { tempDir } from '../../scripts/lib/util.mjs';

const built = new Map();
const dirs = [];

export async function template(n) {
  if (!built.has(n)) {
    const tmp = tempDir(`bench-fixture-${n}`);
    dirs.push(tmp);
    const paths = { path: join(tmp.dir, 'qrgate.db'), keyFile: join(tmp.dir, 'store.key') };
    await buildBacklog(paths.path, paths.keyFile, n);
    built.set(n, paths);
  }
  return built.get(n);
}

export function removeTemplates() {
  for (const d of dirs.splice(0)) d.remove();
  built.clear();
}

process.once('exit', removeTemplates);
