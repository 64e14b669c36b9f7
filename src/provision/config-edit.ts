/**
 * Applies settings to the YAML document of the config, keeping the technician's comments and layout (the document
 * is edited in place, never re-dumped from a plain object), and lists each change by key.
 */
import { Document, isMap, isSeq } from 'yaml';
import type { ScannerEntry } from '../../drivers/config.js';
import { SETTING_KEYS, type Settings } from './settings.js';

export interface Change {
  readonly key: string;
  readonly before: string | null;
  readonly after: string | null;
}

function show(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function newDocument(now: Date): Document {
  const doc = new Document({});
  doc.commentBefore = ` qrgate configuration, first written by "qrgate provision" on ${now.toISOString().slice(0, 10)}.\n Every key is described in docs/config.md; edit freely, comments are kept.`;
  return doc;
}

function setScanner(doc: Document, entry: ScannerEntry, changes: Change[]): void {
  const list = doc.get('scanners');
  const items = isSeq(list) ? list.items : [];
  const index = items.findIndex((item) => isMap(item) && item.get('id') === entry.id);
  const key = `scanners[${index === -1 ? items.length : index}]`;
  if (index === -1) {
    if (!isSeq(list)) doc.set('scanners', doc.createNode([]));
    doc.addIn(['scanners'], doc.createNode(entry));
    changes.push({ key, before: null, after: show(entry) });
    return;
  }
  const node = items[index];
  const current = isMap(node) ? (node.toJSON() as Record<string, unknown>) : {};
  if (current.type !== entry.type) {
    // Another driver: its own keys (baudRate, reportFormat…) would not fit, only the id and direction carry over.
    const replacement = { ...entry, ...(current.direction !== undefined ? { direction: current.direction } : {}) };
    doc.setIn(['scanners', index], doc.createNode(replacement));
    changes.push({ key, before: show(current), after: show(replacement) });
    return;
  }
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'id' || show(current[k]) === show(v)) continue;
    doc.setIn(['scanners', index, k], doc.createNode(v));
    changes.push({ key: `${key}.${k}`, before: show(current[k]), after: show(v) });
  }
  // A path and a match are exclusive: the one given wins.
  const dropped = 'path' in entry ? 'match' : 'match' in entry ? 'path' : null;
  if (dropped !== null && current[dropped] !== undefined) {
    doc.deleteIn(['scanners', index, dropped]);
    changes.push({ key: `${key}.${dropped}`, before: show(current[dropped]), after: null });
  }
}

export function applySettings(doc: Document, settings: Settings): Change[] {
  const changes: Change[] = [];
  for (const [name, path] of SETTING_KEYS) {
    const wanted = settings[name];
    if (wanted === undefined) continue;
    const before = show(doc.getIn(path));
    if (before === show(wanted)) continue;
    if (wanted === null) doc.deleteIn(path);
    else doc.setIn(path, wanted);
    changes.push({ key: path.join('.'), before, after: show(wanted) });
  }
  if (settings.scanner !== undefined) setScanner(doc, settings.scanner, changes);
  return changes;
}

export function renderChanges(changes: readonly Change[]): string {
  if (changes.length === 0) return 'No change to the configuration.\n';
  const lines = changes.map((c) =>
    c.before === null
      ? `  + ${c.key}: ${c.after}`
      : c.after === null
        ? `  - ${c.key} (was ${c.before})`
        : `  ~ ${c.key}: ${c.before} → ${c.after}`,
  );
  return `Changes:\n${lines.join('\n')}\n`;
}
