// Types of postgres.mjs, for the TypeScript test suite (test/helpers/postgres.ts re-exports it).
import type { ChildProcess } from 'node:child_process';

/** The bin folder of the newest installed PostgreSQL server (/usr/lib/postgresql/<major>/bin), or null. */
export function postgresBin(): string | null;
/** Throws, naming the fix, when no PostgreSQL server is installed. */
export function requirePostgres(): void;

export interface PostgresOptions {
  /** The cluster's folder (data/ and the unix socket go in it); default: a new temporary folder. */
  readonly dir?: string;
  /** Default true: durability is what the tests are about. */
  readonly fsync?: boolean;
  /** Extra server settings, passed as `-c name=value`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export class Postgres {
  readonly port: number;
  readonly host: string;
  /** The superuser (trust authentication on loopback). */
  readonly user: string;
  readonly dir: string;
  readonly data: string;
  log: string;
  readonly running: boolean;
  /** The postmaster since the last up() (undefined before the first). */
  readonly proc: ChildProcess | undefined;
  static start(options?: PostgresOptions): Promise<Postgres>;
  url(database?: string): string;
  up(): Promise<void>;
  /** SIGINT: fast shutdown (default); SIGTERM: smart shutdown; SIGKILL: the postmaster and every backend killed (a crash). */
  down(signal?: 'SIGINT' | 'SIGTERM' | 'SIGKILL'): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, database?: string, params?: readonly unknown[]): Promise<T[]>;
  /** A new empty database; its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown, and the folder removed. */
  stop(): Promise<void>;
}
