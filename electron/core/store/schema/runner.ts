/**
 * The runner area's tables. Versions 30–39 belong to this area, so areas
 * built side by side never take the same number (see migrations.ts rules).
 *
 * runner_plans: per plan, what the host-side runner does beyond the plan
 * itself (cron schedule, hooks, offsite repository, alert kind) and where
 * the console last installed it. Secrets (alert URL, the host's S3 keys)
 * are in the secret store, never here.
 */
import type { Migration } from '../migrations';

const V30 = `
CREATE TABLE runner_plans (
  plan_id               TEXT PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
  cron                  TEXT NOT NULL DEFAULT '30 2 * * *',
  pre_hooks             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(pre_hooks) AND json_type(pre_hooks) = 'array'),
  post_hooks            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(post_hooks) AND json_type(post_hooks) = 'array'),
  hook_timeout_seconds  INTEGER NOT NULL DEFAULT 0 CHECK (hook_timeout_seconds BETWEEN 0 AND 86400),
  offsite_repository_id TEXT REFERENCES repositories(id) ON DELETE SET NULL,
  alert_kind            TEXT CHECK (alert_kind IS NULL OR alert_kind IN ('webhook', 'dingtalk', 'slack')),
  install               TEXT CHECK (install IS NULL OR json_valid(install)),
  updated_at            INTEGER NOT NULL
) STRICT;
CREATE INDEX runner_plans_offsite ON runner_plans(offsite_repository_id);
`;

export const RUNNER_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    name: 'runner: per-plan schedule, hooks, offsite repository, alert kind, install record',
    up(db) {
      db.exec(V30);
    },
  },
];
