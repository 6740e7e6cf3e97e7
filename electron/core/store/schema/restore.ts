/**
 * The restore area's tables. Versions 10–19 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 *
 * v10 `restores`: one row per restore (and per undo). The record the
 * contract shows (RestoreRecord) is kept whole as JSON in `record`; the
 * columns are what lists filter and sort on. No secrets: the record holds
 * ids, paths, counters, error texts and command lines with secrets masked.
 */
import type { Migration } from '../migrations';

const V10_RESTORES = `
CREATE TABLE restores (
  id          TEXT PRIMARY KEY,
  job_id      TEXT NOT NULL,
  status      TEXT NOT NULL,
  repo_id     TEXT NOT NULL,
  host_id     TEXT,
  undo_of     TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  record      TEXT NOT NULL
) STRICT;
CREATE INDEX restores_created ON restores (created_at DESC);
CREATE INDEX restores_status ON restores (status);
`;

/**
 * Restore drills (versions 11–19; 10 is the restore records'): one row per
 * drill with its outcome, and one schedule per business kept by the
 * console. No foreign keys to hosts or repositories: a drill's history
 * outlives them (names are copied in), and a schedule naming a removed
 * host fails its next drill with that reason instead of blocking the removal.
 */
const V11_DRILLS = `
CREATE TABLE drills (
  id                TEXT PRIMARY KEY,
  job_id            TEXT NOT NULL,
  business_id       TEXT,
  business_name     TEXT,
  repo_id           TEXT NOT NULL,
  repo_name         TEXT NOT NULL,
  host_id           TEXT NOT NULL,
  host_name         TEXT NOT NULL,
  trigger           TEXT NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  scratch_path      TEXT NOT NULL,
  sample_files      INTEGER NOT NULL CHECK (sample_files >= 1),
  snapshot_host     TEXT,
  snapshot_id       TEXT,
  snapshot_time     TEXT,
  status            TEXT NOT NULL CHECK (status IN ('running', 'passed', 'failed')),
  started_at        INTEGER NOT NULL,
  finished_at       INTEGER,
  files_in_snapshot INTEGER,
  files_checked     INTEGER NOT NULL DEFAULT 0,
  bytes_checked     INTEGER NOT NULL DEFAULT 0,
  mismatches        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(mismatches)),
  reason            TEXT,
  commands          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commands))
) STRICT;
CREATE INDEX drills_repo ON drills(repo_id, started_at);
CREATE INDEX drills_business ON drills(business_id, started_at);
CREATE INDEX drills_started ON drills(started_at);

CREATE TABLE drill_schedules (
  business_id   TEXT PRIMARY KEY REFERENCES businesses(id) ON DELETE CASCADE,
  enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  every_days    INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 366),
  host_id       TEXT NOT NULL,
  scratch_path  TEXT NOT NULL,
  sample_files  INTEGER NOT NULL CHECK (sample_files BETWEEN 1 AND 10000),
  repo_id       TEXT,
  snapshot_host TEXT,
  next_run_at   INTEGER,
  last_run_at   INTEGER,
  updated_at    INTEGER NOT NULL
) STRICT;
`;

export const RESTORE_MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'restores', up: (db) => db.exec(V10_RESTORES) },
  { version: 11, name: 'restore drills and their schedules', up: (db) => db.exec(V11_DRILLS) },
];
