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

export const RESTORE_MIGRATIONS: readonly Migration[] = [
  { version: 10, name: 'restores', up: (db) => db.exec(V10_RESTORES) },
];
