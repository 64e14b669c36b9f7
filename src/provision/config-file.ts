/** Reading the existing config (if any) as an editable document, validating the result, saving it with a backup. */
import { copyFileSync, chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ConfigError, formatProblem, resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { writeAtomic } from './atomic-write.js';
import { newDocument } from './config-edit.js';
import { ProvisionError } from './errors.js';
import { runningAsRoot, serviceIds } from './ownership.js';

export const CONFIG_MODE = 0o640;

export interface ConfigDocument {
  readonly doc: Document;
  readonly existed: boolean;
}

export function readConfigDocument(file: string, now: Date): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { doc: newDocument(now), existed: false };
    throw new ProvisionError('E_PROVISION_WRITE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new ProvisionError(
      'E_PROVISION_CONFIG',
      `${file} is not valid YAML (line ${first?.linePos?.[0].line ?? '?'}): fix it or move it away, then provision again`,
    );
  }
  if (doc.contents === null) return { doc: newDocument(now), existed: true };
  return { doc, existed: true };
}

/** The config the daemon would load from this document; the environment is ignored so the file stands alone. */
export function validate(doc: Document, file: string): Config {
  try {
    return resolveConfig(doc.toJS() as unknown, {}, file).config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const list = err.problems.map((p) => `  - ${formatProblem(p)}`).join('\n');
    throw new ProvisionError('E_PROVISION_CONFIG', `the configuration would be invalid:\n${list}`);
  }
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Writes the document (mode 0640); an existing file is first copied to `FILE.YYYYMMDDTHHMMSSZ.bak`. */
export function saveConfig(file: string, doc: Document, existed: boolean, now: Date): { backup: string | null } {
  let backup: string | null = null;
  try {
    mkdirSync(dirname(file), { recursive: true });
    let owner = null;
    if (existed) {
      const st = statSync(file);
      backup = `${file}.${stamp(now)}.bak`;
      copyFileSync(file, backup);
      chmodSync(backup, CONFIG_MODE);
      owner = runningAsRoot() ? { uid: st.uid, gid: st.gid } : null;
    } else if (runningAsRoot()) {
      const ids = serviceIds();
      owner = ids === null ? null : { uid: 0, gid: ids.gid };
    }
    writeAtomic(file, doc.toString(), { mode: CONFIG_MODE, owner });
  } catch (err) {
    throw new ProvisionError('E_PROVISION_WRITE', `cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return { backup };
}
