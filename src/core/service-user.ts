/**
 * The service user, shared by provisioning (who should own the files it writes) and doctor (whom to open the
 * daemon's files as). Who should own the files provisioning writes. The daemon runs as the `qrgate` system user (scripts/install.sh):
 * the config is root:qrgate 0640 (readable, not writable, by the service), the password file qrgate 0600. Run as
 * another user (a test, a dry run on a laptop), files keep that user's ownership.
 */
import { readFileSync } from 'node:fs';

export const SERVICE_USER = 'qrgate';

export interface ServiceIds {
  readonly uid: number;
  readonly gid: number;
}

/** The service user's ids from /etc/passwd, or null when it does not exist (not installed yet, a laptop). */
export function serviceIds(passwdFile = '/etc/passwd'): ServiceIds | null {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === SERVICE_USER && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return null;
}

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}
