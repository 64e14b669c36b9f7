/**
 * Personal data at rest is sealed with AES-256-GCM under a per-device key file, and document numbers are kept as an
 * HMAC for look-ups, so a copied SD card image (or the database file alone) shows no names or numbers.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors.js';
import { randomSlice } from './random-pool.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 1;

export interface KeyFile {
  readonly key: Buffer;
  readonly created: boolean;
  /** Group or other users can read it: sealed data is only as private as this file. */
  readonly tooOpen: boolean;
}

/**
 * Why the key at `path` cannot be used, with the fix, as E_STORE_KEY: a technician reads it in the journal, and
 * systemd does not restart a service that exits 78 for it.
 */
function keyProblem(path: string, err: unknown): StoreError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  const fix =
    code === 'EISDIR'
      ? `${path} is a directory, not a key file: set store.keyFile to the key's path, or remove the directory so that a new key is made for an empty database`
      : code === 'EACCES' || code === 'EPERM'
        ? `${path} cannot be read by this user (${code}): the key belongs to the service user, chown qrgate:qrgate ${path} && chmod 600 ${path}`
        : `${path} cannot be read (${code}): restore the key from backup, or check the disk`;
  return new StoreError('E_STORE_KEY', fix, { cause: err });
}

/** The key at `path`, or null when there is none; any other reason it cannot be read is E_STORE_KEY. */
export function readKeyIfPresent(path: string): KeyFile | null {
  let key: Buffer;
  let mode: number;
  try {
    const fd = openSync(path, 'r');
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      mode = st.mode;
      key = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw keyProblem(path, err);
  }
  if (key.length !== KEY_BYTES)
    throw new StoreError(
      'E_STORE_KEY',
      `key file ${path} must hold ${KEY_BYTES} bytes, it holds ${key.length}: restore the key from backup`,
    );
  return { key, created: false, tooOpen: (mode & 0o077) !== 0 };
}

/** Makes a new key (mode 0600, fsynced); a folder it cannot write to is E_STORE_KEY too. */
export function createKeyFile(path: string): KeyFile {
  const key = randomBytes(KEY_BYTES);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, key);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw keyProblem(path, err);
  }
  return { key, created: true, tooOpen: false };
}

/** Reads the key, creating it (mode 0600, fsynced) when absent and `mayCreate`. */
export function loadKeyFile(path: string, mayCreate: boolean): KeyFile {
  const found = readKeyIfPresent(path);
  if (found !== null) return found;
  if (!mayCreate)
    throw new StoreError('E_STORE_KEY', `key file ${path} is missing but the database holds sealed data: restore it from backup`);
  return createKeyFile(path);
}

export class Sealer {
  private readonly sealKey: Buffer;
  private readonly macKey: Buffer;

  constructor(master: Buffer) {
    this.sealKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'qrgate seal v1', KEY_BYTES));
    this.macKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'qrgate lookup v1', KEY_BYTES));
  }

  /** Identifies the key without revealing it, so a database is never opened with the wrong key. */
  fingerprint(): string {
    return this.mac('qrgate key fingerprint').subarray(0, 16).toString('hex');
  }

  mac(text: string): Buffer {
    return createHmac('sha256', this.macKey).update(text, 'utf8').digest();
  }

  /** `aad` binds the sealed value to its row (the check-in id): a value moved to another row does not open. */
  seal(plaintext: string, aad: string): Buffer {
    const iv = randomSlice(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv).setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]);
  }

  /** The plaintext, or null when `sealed` does not open with this key for this row (damaged on the medium). */
  tryOpen(sealed: Buffer, aad: string): string | null {
    try {
      return this.open(sealed, aad);
    } catch {
      return null;
    }
  }

  open(sealed: Buffer, aad: string): string {
    return this.openBytes(sealed, aad).toString('utf8');
  }

  /** The plaintext's UTF-8 bytes, or null when `sealed` does not open (as tryOpen). */
  tryOpenBytes(sealed: Buffer, aad: string): Buffer | null {
    try {
      return this.openBytes(sealed, aad);
    } catch {
      return null;
    }
  }

  /** The plaintext's UTF-8 bytes: a drain copies them into a message as they are, without a string in between. */
  openBytes(sealed: Buffer, aad: string): Buffer {
    if (sealed[0] !== FORMAT) throw new StoreError('E_STORE_KEY', `unknown sealed format ${sealed[0]}`);
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.sealKey, iv).setAAD(Buffer.from(aad, 'utf8')).setAuthTag(tag);
    const body = decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES));
    const tail = decipher.final(); // GCM is a stream mode: empty, but final() is what checks the tag
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  }
}
