/**
 * The onboarding area's tables. Versions 50–59 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 *
 * No secrets here: step inputs are what the user typed (names, paths,
 * schedules); keys and passwords live in the secret store, and resources
 * hold only what a thing is known by (bucket name, access key id, ids).
 */
import type { Migration } from '../migrations';

const V50 = `
CREATE TABLE onboardings (
  id            TEXT PRIMARY KEY,
  business_name TEXT NOT NULL,
  business_id   TEXT REFERENCES businesses(id) ON DELETE SET NULL,
  status        TEXT NOT NULL CHECK (status IN ('in_progress', 'done', 'rolling_back', 'rolled_back')),
  inputs        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(inputs)),
  state         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(state)),
  last_error    TEXT CHECK (last_error IS NULL OR json_valid(last_error)),
  rollback_job  TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX onboardings_updated ON onboardings(updated_at);

CREATE TABLE onboarding_steps (
  onboarding_id TEXT NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
  step          TEXT NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  job_id        TEXT,
  started_at    INTEGER,
  ended_at      INTEGER,
  error         TEXT CHECK (error IS NULL OR json_valid(error)),
  commands      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commands)),
  notes         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(notes)),
  PRIMARY KEY (onboarding_id, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE onboarding_resources (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  onboarding_id TEXT NOT NULL REFERENCES onboardings(id) ON DELETE CASCADE,
  step          TEXT NOT NULL,
  kind          TEXT NOT NULL,
  ref           TEXT NOT NULL,
  label         TEXT NOT NULL,
  data          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  created_at    INTEGER NOT NULL,
  removed_at    INTEGER,
  remove_error  TEXT CHECK (remove_error IS NULL OR json_valid(remove_error)),
  UNIQUE (onboarding_id, kind, ref)
) STRICT;
CREATE INDEX onboarding_resources_onboarding ON onboarding_resources(onboarding_id, id);
`;

export const ONBOARDING_MIGRATIONS: readonly Migration[] = [
  {
    version: 50,
    name: 'onboarding records, step states and the resources each step created',
    up(db) {
      db.exec(V50);
    },
  },
];
