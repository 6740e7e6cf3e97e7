import { promises as fs } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, DB_FILE_NAME } from '../../../electron/core/store/db';
import { currentVersion, latestVersion, MIGRATIONS, type Migration } from '../../../electron/core/store/migrations';

const LATEST = latestVersion(MIGRATIONS);
import { cleanupTempDirs } from '../../support/tmp';
import { consoleError, tempDataDir } from './fixtures';

afterAll(cleanupTempDirs);

async function dbFile(): Promise<string> {
  return path.join(await tempDataDir(), DB_FILE_NAME);
}

function versions(file: string): { version: number; name: string; applied_at: number }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
      version: number;
      name: string;
      applied_at: number;
    }[];
  } finally {
    db.close();
  }
}

describe('store: opening and migrations', () => {
  it('creates the schema with WAL, foreign keys and a busy timeout', async () => {
    const file = await dbFile();
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]
    ).map((t) => t.name);
    for (const t of [
      'schema_migrations',
      'businesses',
      'hosts',
      'repositories',
      'plans',
      'jobs',
      'job_log',
      'daily_checks',
      'daily_check_items',
      'audit',
    ]) {
      expect(tables).toContain(t);
    }
    // "this machine" exists so local repositories have a host.
    expect(db.prepare(`SELECT kind FROM hosts WHERE id = 'local'`).get()).toEqual({ kind: 'local' });
    db.close();
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('is idempotent across reopen: nothing re-applied, data kept', async () => {
    const file = await dbFile();
    const first = openDatabase(file, { now: () => 1_000 });
    first
      .prepare(`INSERT INTO businesses (id, name, created_at, updated_at) VALUES ('b1', 'Acme', 1, 1)`)
      .run();
    first.close();
    const before = versions(file);
    expect(before).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: 1_000 })));

    const second = openDatabase(file, { now: () => 2_000 });
    expect(currentVersion(second)).toBe(LATEST);
    expect(second.prepare('SELECT name FROM businesses').all()).toEqual([{ name: 'Acme' }]);
    expect(second.prepare(`SELECT COUNT(*) AS n FROM hosts WHERE id = 'local'`).get()).toEqual({ n: 1 });
    second.close();
    expect(versions(file)).toEqual(before);
  });

  it('applies only the missing migrations, in order', async () => {
    const file = await dbFile();
    openDatabase(file).close();
    const calls: number[] = [];
    const v2: Migration = {
      version: LATEST + 1,
      name: 'add a note to businesses',
      up(db) {
        calls.push(LATEST + 1);
        db.exec(`ALTER TABLE businesses ADD COLUMN note TEXT NOT NULL DEFAULT ''`);
      },
    };
    const v3: Migration = {
      version: LATEST + 2,
      name: 'index',
      up: (db) => (calls.push(LATEST + 2), db.exec('CREATE INDEX businesses_note ON businesses(note)')),
    };
    const db = openDatabase(file, { migrations: [...MIGRATIONS, v2, v3] });
    expect(calls).toEqual([LATEST + 1, LATEST + 2]);
    expect(currentVersion(db)).toBe(LATEST + 2);
    db.close();
    openDatabase(file, { migrations: [...MIGRATIONS, v2, v3] }).close();
    expect(calls).toEqual([LATEST + 1, LATEST + 2]);
    expect(versions(file).map((v) => v.version)).toEqual([...MIGRATIONS.map((m) => m.version), LATEST + 1, LATEST + 2]);
  });

  it('rolls a failing migration back completely', async () => {
    const file = await dbFile();
    openDatabase(file).close();
    const broken: Migration = {
      version: LATEST + 1,
      name: 'half done',
      up(db) {
        db.exec('CREATE TABLE half_done (x INTEGER)');
        throw new Error('boom in the newest migration');
      },
    };
    expect(() => openDatabase(file, { migrations: [...MIGRATIONS, broken] })).toThrow('boom in the newest migration');
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined();
    expect(currentVersion(db)).toBe(LATEST);
    db.close();
  });

  it('refuses a database from a newer schema, and leaves it alone', async () => {
    const file = await dbFile();
    const db = openDatabase(file);
    db.prepare(
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)`,
    ).run();
    db.close();
    const error = await consoleError(() => openDatabase(file));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/schema version 99/);
    expect(error.message).toMatch(/newer release/);
    expect(error.detail).toEqual({ found: 99, supported: LATEST });
    expect(versions(file).map((v) => v.version)).toEqual([...MIGRATIONS.map((m) => m.version), 99]);
  });

  it('rejects a migration list that is not strictly increasing', async () => {
    const file = await dbFile();
    const bad: Migration[] = [MIGRATIONS[0]!, { version: 1, name: 'dup', up: () => undefined }];
    expect(() => openDatabase(file, { migrations: bad })).toThrow(/strictly increasing/);
  });

  it('enforces foreign keys', async () => {
    const db = openDatabase(await dbFile());
    expect(() =>
      db
        .prepare(
          `INSERT INTO repositories (id, name, location, kind, host_id, created_at, updated_at) VALUES ('r', 'r', '/r', 'local', 'nope', 0, 0)`,
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
