/**
 * The minio area's tables. Versions 20–29 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 *
 * No secrets here: the admin secret key lives in the secret store under
 * `minio:<id>:secret-key`. The access key is an identifier (like a user
 * name) and the CA certificate is public.
 */
import type { Migration } from '../migrations';

export const MINIO_MIGRATIONS: readonly Migration[] = [
  {
    version: 20,
    name: 'minio: connections and their last known status',
    up(db) {
      db.exec(`
CREATE TABLE minio_connections (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL COLLATE NOCASE UNIQUE,
  endpoint    TEXT NOT NULL,
  access_key  TEXT NOT NULL,
  region      TEXT NOT NULL DEFAULT 'us-east-1',
  ca_pem      TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE minio_status (
  connection_id TEXT PRIMARY KEY REFERENCES minio_connections(id) ON DELETE CASCADE,
  checked_at    INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('ok', 'warning', 'failing')),
  summary       TEXT NOT NULL CHECK (json_valid(summary))
) STRICT;
`);
    },
  },
];
