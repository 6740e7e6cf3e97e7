/**
 * Opens the console's SQLite database: WAL journal (readers never wait for
 * the writer), foreign keys enforced, a busy timeout for a second process
 * (the CLI next to the desktop app), owner-only file mode, and the schema
 * brought up to date by the versioned migrations.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConsoleError } from '../../../shared';
import { MIGRATIONS, migrate, type Migration } from './migrations';

export type Db = Database.Database;

export const DB_FILE_NAME = 'console.db';

export interface OpenDatabaseOptions {
  /** The migrations to apply (tests pass their own list); default: the console's. */
  migrations?: readonly Migration[];
  /** Milliseconds a statement waits for another connection's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  now?: () => number;
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Create the file owner-only before SQLite does (it would use the umask);
  // SQLite gives the -wal and -shm files the main file's mode.
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const db = new Database(file);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (db.pragma('foreign_keys', { simple: true }) !== 1) {
      throw new ConsoleError('INTERNAL', 'SQLite refused to enforce foreign keys.');
    }
    migrate(db, options.migrations ?? MIGRATIONS, options.now);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** SQLite's extended result code, when `error` came from better-sqlite3. */
export function sqliteCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof (error as { code: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}

/**
 * Runs `work` and turns constraint violations into typed errors: a
 * duplicate → CONFLICT with `duplicate`, a row still referenced (or a
 * reference to nothing) → CONFLICT with `inUse`.
 */
export function withConstraints<T>(work: () => T, messages: { duplicate: string; inUse?: string }): T {
  try {
    return work();
  } catch (error) {
    const code = sqliteCode(error);
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
      throw new ConsoleError('CONFLICT', messages.duplicate);
    }
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new ConsoleError(
        'CONFLICT',
        messages.inUse ??
          'This change refers to an item that does not exist, or is still used by another item.',
      );
    }
    throw error;
  }
}
