/**
 * Versioned schema migrations. Each migration has a version (strictly
 * increasing), a name and an `up(db)`; the versions applied are rows of
 * `schema_migrations`. Opening applies the missing ones in order, each in
 * its own IMMEDIATE transaction together with its bookkeeping row, so a
 * failing migration leaves the schema as it was and two processes opening
 * at once cannot both apply one. A database written by a newer console
 * (a version this build does not know) is refused, never "downgraded".
 *
 * Rules for adding a migration: append, never edit or reorder a released
 * one; no secrets in any table; times are INTEGER milliseconds since the
 * epoch (UTC).
 */
import type Database from 'better-sqlite3';
import { ConsoleError } from '../../../shared';
import { ALERTS_MIGRATIONS } from './schema/alerts';
import { MINIO_MIGRATIONS } from './schema/minio';
import { ONBOARDING_MIGRATIONS } from './schema/onboarding';
import { RESTORE_MIGRATIONS } from './schema/restore';
import { RUNNER_MIGRATIONS } from './schema/runner';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

const V1_INITIAL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE businesses (
  id                     TEXT PRIMARY KEY,
  name                   TEXT NOT NULL COLLATE NOCASE UNIQUE,
  owner_contact          TEXT NOT NULL DEFAULT '',
  freshness_target_hours INTEGER NOT NULL DEFAULT 26 CHECK (freshness_target_hours BETWEEN 1 AND 8760),
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL
) STRICT;

CREATE TABLE hosts (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL COLLATE NOCASE UNIQUE,
  kind                 TEXT NOT NULL CHECK (kind IN ('local', 'ssh')),
  address              TEXT,
  port                 INTEGER CHECK (port IS NULL OR port BETWEEN 1 AND 65535),
  user                 TEXT,
  auth_kind            TEXT CHECK (auth_kind IS NULL OR auth_kind IN ('key', 'agent')),
  host_key_fingerprint TEXT,
  host_key_public      TEXT,
  host_key_pinned_at   INTEGER,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  CHECK (kind = 'local' OR (address IS NOT NULL AND port IS NOT NULL AND user IS NOT NULL AND auth_kind IS NOT NULL)),
  CHECK ((host_key_fingerprint IS NULL) = (host_key_pinned_at IS NULL))
) STRICT;

CREATE TABLE repositories (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
  location    TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('local', 'sftp', 's3', 'rest', 'other')),
  host_id     TEXT NOT NULL REFERENCES hosts(id) ON DELETE RESTRICT,
  business_id TEXT REFERENCES businesses(id) ON DELETE RESTRICT,
  role        TEXT NOT NULL DEFAULT 'primary' CHECK (role IN ('primary', 'offsite')),
  env         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(env)),
  demo        INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX repositories_business ON repositories(business_id);
CREATE INDEX repositories_host ON repositories(host_id);

CREATE TABLE plans (
  id                     TEXT PRIMARY KEY,
  name                   TEXT NOT NULL,
  business_id            TEXT NOT NULL REFERENCES businesses(id) ON DELETE RESTRICT,
  host_id                TEXT NOT NULL REFERENCES hosts(id) ON DELETE RESTRICT,
  repository_id          TEXT NOT NULL REFERENCES repositories(id) ON DELETE RESTRICT,
  paths                  TEXT NOT NULL CHECK (json_valid(paths) AND json_type(paths) = 'array'),
  excludes               TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(excludes) AND json_type(excludes) = 'array'),
  tags                   TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  freshness_target_hours INTEGER CHECK (freshness_target_hours IS NULL OR freshness_target_hours BETWEEN 1 AND 8760),
  schedule               TEXT NOT NULL,
  retention              TEXT CHECK (retention IS NULL OR json_valid(retention)),
  enabled                INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at             INTEGER NOT NULL,
  updated_at             INTEGER NOT NULL,
  UNIQUE (business_id, name COLLATE NOCASE)
) STRICT;
CREATE INDEX plans_host ON plans(host_id);
CREATE INDEX plans_repository ON plans(repository_id);

CREATE TABLE jobs (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  id              TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL,
  target          TEXT NOT NULL,
  title           TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled')),
  priority        TEXT NOT NULL CHECK (priority IN ('manual', 'bulk')),
  progress        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(progress)),
  counters        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counters)),
  command         TEXT,
  created_at      INTEGER NOT NULL,
  started_at      INTEGER,
  ended_at        INTEGER,
  exit_code       INTEGER,
  error_code      TEXT,
  error_message   TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  log_lines       INTEGER NOT NULL DEFAULT 0,
  log_dropped     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX jobs_status ON jobs(status);
CREATE INDEX jobs_kind ON jobs(kind, seq);
CREATE INDEX jobs_target ON jobs(target, seq);

CREATE TABLE job_log (
  job_seq INTEGER NOT NULL REFERENCES jobs(seq) ON DELETE CASCADE,
  n       INTEGER NOT NULL,
  at      INTEGER NOT NULL,
  stream  TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'info')),
  line    TEXT NOT NULL,
  PRIMARY KEY (job_seq, n)
) STRICT, WITHOUT ROWID;

CREATE TABLE daily_checks (
  id         TEXT PRIMARY KEY,
  job_id     TEXT REFERENCES jobs(id) ON DELETE SET NULL,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER,
  status     TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  summary    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(summary))
) STRICT;
CREATE INDEX daily_checks_started ON daily_checks(started_at);

CREATE TABLE daily_check_items (
  id            INTEGER PRIMARY KEY,
  check_id      TEXT NOT NULL REFERENCES daily_checks(id) ON DELETE CASCADE,
  business_id   TEXT REFERENCES businesses(id) ON DELETE SET NULL,
  business_name TEXT,
  host_id       TEXT REFERENCES hosts(id) ON DELETE SET NULL,
  host_name     TEXT,
  plan_id       TEXT REFERENCES plans(id) ON DELETE SET NULL,
  repository_id TEXT REFERENCES repositories(id) ON DELETE SET NULL,
  item          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'warning', 'failing')),
  reason        TEXT NOT NULL DEFAULT '',
  data          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  at            INTEGER NOT NULL
) STRICT;
CREATE INDEX daily_check_items_check ON daily_check_items(check_id);

CREATE TABLE audit (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  at     INTEGER NOT NULL,
  actor  TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  result TEXT NOT NULL CHECK (result IN ('succeeded', 'failed', 'denied')),
  detail TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_action ON audit(action, id);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;
-- INSERT OR REPLACE deletes the old row without firing DELETE triggers
-- (unless recursive_triggers is on): refuse reusing an id instead.
CREATE TRIGGER audit_append_only_replace BEFORE INSERT ON audit
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM audit WHERE id = NEW.id)
BEGIN
  SELECT RAISE(ABORT, 'audit entries are append-only');
END;
`;

const CORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial inventory, jobs, daily checks and audit',
    up(db) {
      db.exec(V1_INITIAL);
      const now = Date.now();
      // "this machine": repositories reached by local exec point at it.
      db.prepare(
        `INSERT INTO hosts (id, name, kind, created_at, updated_at) VALUES ('local', 'this machine', 'local', ?, ?)`,
      ).run(now, now);
    },
  },
  {
    version: 2,
    name: 'hosts: where restic is installed',
    up(db) {
      // NULL: "restic" from the host's PATH (this machine: the console's configured binary).
      db.exec('ALTER TABLE hosts ADD COLUMN restic_path TEXT');
    },
  },
];

/**
 * Every migration in version order. Each later area owns a block of ten
 * versions in its own file under `schema/` (restore 10–19, MinIO 20–29,
 * runner 30–39, alerts 40–49, onboarding 50–59); unused numbers are fine.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...CORE_MIGRATIONS,
  ...RESTORE_MIGRATIONS,
  ...MINIO_MIGRATIONS,
  ...RUNNER_MIGRATIONS,
  ...ALERTS_MIGRATIONS,
  ...ONBOARDING_MIGRATIONS,
];

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(
        `migrations must have strictly increasing positive integer versions (found ${m.version} after ${previous})`,
      );
    }
    previous = m.version;
  }
}

/** The highest version recorded in `schema_migrations` (0 for a fresh database). */
export function currentVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

/** Applies the missing migrations; returns the versions it applied. */
export function migrate(
  db: Database.Database,
  migrations: readonly Migration[],
  now: () => number = Date.now,
): number[] {
  checkOrder(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const latest = latestVersion(migrations);
  const applied: number[] = [];

  const refuseNewer = (found: number) => {
    if (found > latest) {
      throw new ConsoleError(
        'CONFLICT',
        `This database has schema version ${found}, written by a newer release of the console; this release knows versions up to ${latest}. ` +
          'Update the console, or start it with another data directory. The database was not changed.',
        { found, supported: latest },
      );
    }
  };
  refuseNewer(currentVersion(db));

  for (const m of migrations) {
    const step = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = currentVersion(db);
      refuseNewer(current);
      const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (done) return false;
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now(),
      );
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}
