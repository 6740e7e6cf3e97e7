/**
 * The runner_plans table (migration 30): a plan's runner settings and its
 * install record. Secrets live in the secret store under runnerSecretNames.
 */
import {
  ConsoleError,
  RunnerInstallSchema,
  type AlertKind,
  type RunnerConfig,
  type RunnerInstall,
} from '../../../shared';
import type { SecretStore } from '../secrets/secret-store';
import { fromJson, notFound } from '../store/common';
import type { Db } from '../store/db';
import { parseCron } from './cron';

export const DEFAULT_CRON = '30 2 * * *';

export const runnerSecretNames = {
  /** The alert channel's URL (webhook, DingTalk robot, Slack), which often carries a token. */
  alertUrl: (planId: string) => `runner:${planId}:alert-url`,
  /** JSON object: the host's own S3 keys for this plan (the append-only "host key"). */
  hostSecretEnv: (planId: string) => `runner:${planId}:host-secret-env`,
} as const;

interface Row {
  plan_id: string;
  cron: string;
  pre_hooks: string;
  post_hooks: string;
  hook_timeout_seconds: number;
  offsite_repository_id: string | null;
  alert_kind: AlertKind | null;
  install: string | null;
  updated_at: number;
}

export interface RunnerSettings {
  planId: string;
  cron: string;
  preHooks: string[];
  postHooks: string[];
  hookTimeoutSeconds: number;
  offsiteRepositoryId: string | null;
  alertKind: AlertKind | null;
  install: RunnerInstall | null;
}

export interface RunnerSettingsPatch {
  cron?: string;
  preHooks?: string[];
  postHooks?: string[];
  hookTimeoutSeconds?: number;
  offsiteRepositoryId?: string | null;
  alertKind?: AlertKind | null;
}

function toSettings(row: Row): RunnerSettings {
  const parsed = RunnerInstallSchema.safeParse(fromJson<unknown>(row.install, null));
  return {
    planId: row.plan_id,
    cron: row.cron,
    preHooks: fromJson<string[]>(row.pre_hooks, []),
    postHooks: fromJson<string[]>(row.post_hooks, []),
    hookTimeoutSeconds: row.hook_timeout_seconds,
    offsiteRepositoryId: row.offsite_repository_id,
    alertKind: row.alert_kind,
    install: parsed.success ? parsed.data : null,
  };
}

export class RunnerStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  private planExists(planId: string): void {
    if (this.db.prepare('SELECT 1 FROM plans WHERE id = ?').get(planId) === undefined)
      throw notFound('plan', planId);
  }

  /** The plan's settings (defaults when never configured). */
  get(planId: string): RunnerSettings {
    this.planExists(planId);
    const row = this.db.prepare('SELECT * FROM runner_plans WHERE plan_id = ?').get(planId) as
      Row | undefined;
    if (row) return toSettings(row);
    return {
      planId,
      cron: DEFAULT_CRON,
      preHooks: [],
      postHooks: [],
      hookTimeoutSeconds: 0,
      offsiteRepositoryId: null,
      alertKind: null,
      install: null,
    };
  }

  /** Plans whose runner the console installed. */
  installed(): RunnerSettings[] {
    return (this.db.prepare('SELECT * FROM runner_plans WHERE install IS NOT NULL').all() as Row[]).map(
      toSettings,
    );
  }

  update(planId: string, patch: RunnerSettingsPatch): RunnerSettings {
    const current = this.get(planId);
    const next = { ...current, ...patch };
    next.cron = parseCron(next.cron).expression;
    if (patch.offsiteRepositoryId) this.checkOffsite(planId, patch.offsiteRepositoryId);
    this.db
      .prepare(
        `INSERT INTO runner_plans (plan_id, cron, pre_hooks, post_hooks, hook_timeout_seconds, offsite_repository_id, alert_kind, install, updated_at)
         VALUES (@planId, @cron, @pre, @post, @timeout, @offsite, @alert, @install, @now)
         ON CONFLICT (plan_id) DO UPDATE SET cron = excluded.cron, pre_hooks = excluded.pre_hooks,
           post_hooks = excluded.post_hooks, hook_timeout_seconds = excluded.hook_timeout_seconds,
           offsite_repository_id = excluded.offsite_repository_id, alert_kind = excluded.alert_kind,
           updated_at = excluded.updated_at`,
      )
      .run({
        planId,
        cron: next.cron,
        pre: JSON.stringify(next.preHooks),
        post: JSON.stringify(next.postHooks),
        timeout: next.hookTimeoutSeconds,
        offsite: next.offsiteRepositoryId,
        alert: next.alertKind,
        install: current.install ? JSON.stringify(current.install) : null,
        now: this.now(),
      });
    return this.get(planId);
  }

  setInstall(planId: string, install: RunnerInstall | null): void {
    this.update(planId, {});
    this.db
      .prepare('UPDATE runner_plans SET install = ?, updated_at = ? WHERE plan_id = ?')
      .run(install ? JSON.stringify(install) : null, this.now(), planId);
  }

  /** The offsite repository belongs to the plan's business and is not the plan's own repository. */
  private checkOffsite(planId: string, repoId: string): void {
    const plan = this.db.prepare('SELECT business_id, repository_id FROM plans WHERE id = ?').get(planId) as {
      business_id: string;
      repository_id: string;
    };
    const repo = this.db.prepare('SELECT business_id FROM repositories WHERE id = ?').get(repoId) as
      { business_id: string | null } | undefined;
    if (!repo) throw notFound('repository', repoId);
    if (repoId === plan.repository_id)
      throw new ConsoleError(
        'CONFLICT',
        'The offsite repository must be another repository than the plan’s own.',
      );
    if (repo.business_id !== plan.business_id)
      throw new ConsoleError('CONFLICT', 'The offsite repository belongs to another business (or to none).');
  }
}

export async function runnerConfig(
  store: RunnerStore,
  secrets: SecretStore,
  planId: string,
): Promise<RunnerConfig> {
  const s = store.get(planId);
  return {
    planId,
    cron: s.cron,
    preHooks: s.preHooks,
    postHooks: s.postHooks,
    hookTimeoutSeconds: s.hookTimeoutSeconds,
    offsiteRepositoryId: s.offsiteRepositoryId,
    alertKind: s.alertKind,
    alertUrlSet: await secrets.has(runnerSecretNames.alertUrl(planId)),
    hostKeySet: await secrets.has(runnerSecretNames.hostSecretEnv(planId)),
  };
}
