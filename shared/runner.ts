/**
 * The host-side runner: install over SSH, schedules, status files, offsite copy (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { z } from 'zod';
import { IdSchema } from './domain';
import { JobStartedSchema, method } from './method';

export const ALERT_KINDS = ['webhook', 'dingtalk', 'slack'] as const;
export const AlertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKindSchema>;

/** A hook: one shell command line run by `sh -c` on the host (e.g. a database dump to CSV). */
export const HookSchema = z
  .string()
  .min(1, 'a hook is a command line')
  .max(4096)
  .refine((s) => !/[\0\r\n]/.test(s), 'a hook is one line (chain commands with && or ;)');

/** 5-field cron expression (or @daily, @hourly, …); validated in the core, where the preview is made. */
export const CronSchema = z.string().min(1).max(200);

/** How a plan's runner is configured (stored per plan; secrets are write-only). */
export const RunnerConfigSchema = z.object({
  planId: IdSchema,
  cron: z.string(),
  preHooks: z.array(z.string()),
  postHooks: z.array(z.string()),
  /** Seconds a hook may run before it counts as failed (0 = no limit). */
  hookTimeoutSeconds: z.number().int(),
  offsiteRepositoryId: IdSchema.nullable(),
  alertKind: AlertKindSchema.nullable(),
  /** Whether an alert URL is stored (it is never shown). */
  alertUrlSet: z.boolean(),
  /** Whether the host has its own S3 keys for this plan (else the repository's are used). */
  hostKeySet: z.boolean(),
});
export type RunnerConfig = z.infer<typeof RunnerConfigSchema>;

export const RunnerConfigInputSchema = z
  .object({
    planId: IdSchema,
    cron: CronSchema.optional(),
    preHooks: z.array(HookSchema).max(20).optional(),
    postHooks: z.array(HookSchema).max(20).optional(),
    hookTimeoutSeconds: z.number().int().min(0).max(86_400).optional(),
    offsiteRepositoryId: IdSchema.nullable().optional(),
    alertKind: AlertKindSchema.nullable().optional(),
    /** Write-only; null removes it. It may hold a token, so it lives in the secret store. */
    alertUrl: z.string().url().max(2048).nullable().optional(),
    /** Write-only S3 keys for this host (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY); null removes them. */
    hostSecretEnv: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(4096))
      .nullable()
      .optional(),
  })
  .strict();
export type RunnerConfigInput = z.input<typeof RunnerConfigInputSchema>;

/** restic's backup summary line, as the runner saved it (fields vary by version). */
export const BackupSummarySchema = z
  .object({
    snapshot_id: z.string().optional(),
    files_new: z.number().optional(),
    files_changed: z.number().optional(),
    files_unmodified: z.number().optional(),
    data_added: z.number().optional(),
    total_files_processed: z.number().optional(),
    total_bytes_processed: z.number().optional(),
    total_duration: z.number().optional(),
  })
  .passthrough();

export const HookFailureSchema = z.object({
  phase: z.enum(['pre', 'post']),
  index: z.number().int(),
  exitCode: z.number().int(),
  command: z.string(),
  output: z.string(),
});
export type HookFailure = z.infer<typeof HookFailureSchema>;

/** The status file the runner writes after (and at the start of) each run. */
export const RunnerRunStatusSchema = z.object({
  format: z.literal(1),
  plan: z.string(),
  host: z.string(),
  business: z.string(),
  state: z.enum(['running', 'ok', 'partial', 'failed']),
  start: z.string(),
  end: z.string(),
  exitCode: z.number().int(),
  resticVersion: z.string(),
  errorCount: z.number().int(),
  reason: z.string(),
  summary: BackupSummarySchema.nullable(),
  hookFailures: z.array(HookFailureSchema),
  alert: z.object({ sent: z.boolean(), reason: z.string().optional() }).nullable(),
});
export type RunnerRunStatus = z.infer<typeof RunnerRunStatusSchema>;

export const CopyStatusSchema = z.object({
  format: z.literal(1),
  plan: z.string(),
  host: z.string(),
  state: z.enum(['ok', 'failed']),
  start: z.string(),
  end: z.string(),
  exitCode: z.number().int(),
  reason: z.string(),
});
export type CopyStatus = z.infer<typeof CopyStatusSchema>;

export const SchedulerSchema = z.enum(['systemd', 'cron']);

export const RunnerInstallSchema = z.object({
  planId: IdSchema,
  hostId: IdSchema,
  scheduler: SchedulerSchema,
  scope: z.enum(['system', 'user']),
  scriptPath: z.string(),
  envPath: z.string(),
  statusDir: z.string(),
  cron: z.string(),
  onCalendar: z.array(z.string()),
  /** The crontab line or the timer unit name. */
  scheduledAs: z.string(),
  /** systemd-analyze verify ran and passed (false when systemd is not used or the tool is absent). */
  verified: z.boolean(),
  /** Where the runner posts failed runs: the plan's own URL or the business's alert channel (null: nowhere). */
  alert: z
    .object({ source: z.enum(['plan', 'business']), kind: AlertKindSchema, note: z.string().optional() })
    .nullable()
    .default(null),
  installedAt: z.string(),
});
export type RunnerInstall = z.infer<typeof RunnerInstallSchema>;

/** What the console knows about a plan's runner, read from the host. */
export const RunnerStatusSchema = z.object({
  planId: IdSchema,
  hostId: IdSchema,
  /** The console installed it (its record), and what the host says. */
  install: RunnerInstallSchema.nullable(),
  onHost: z.object({
    script: z.boolean(),
    envFile: z.boolean(),
    /** "-rw-------" when root-only as it should be. */
    envMode: z.string().nullable(),
    scheduled: z.enum(['systemd', 'cron', 'none']),
    runningPid: z.number().int().nullable(),
    hostNow: z.string().nullable(),
  }),
  last: RunnerRunStatusSchema.nullable(),
  /** Set when the status file exists but could not be read. */
  lastUnreadable: z.string().nullable(),
  copy: CopyStatusSchema.nullable(),
  /** One sentence: how the runner is doing. */
  words: z.string(),
  health: z.enum(['ok', 'warning', 'failing', 'unknown']),
});
export type RunnerStatus = z.infer<typeof RunnerStatusSchema>;

export const SchedulePreviewSchema = z.object({
  cron: z.string(),
  description: z.string(),
  next: z.array(z.string()),
  onCalendar: z.array(z.string()),
});
export type SchedulePreviewResult = z.infer<typeof SchedulePreviewSchema>;

const PlanRef = z.object({ planId: IdSchema }).strict();

export const runnerMethods = {
  'runner.config': method({
    summary:
      "A plan's runner settings: cron schedule, hooks, offsite repository, alert channel (secrets only as set/not set).",
    input: PlanRef,
    output: RunnerConfigSchema,
  }),
  'runner.configure': method({
    summary:
      "Change a plan's runner settings (alert URL and host keys are write-only); re-install to apply them on the host.",
    input: RunnerConfigInputSchema,
    output: RunnerConfigSchema,
  }),
  'runner.install': method({
    summary:
      "Install (or re-install) a plan's runner over SSH: script, root-only env file, systemd timer or crontab entry (HOST_NO_SCHEDULER when neither).",
    input: PlanRef,
    output: RunnerInstallSchema,
  }),
  'runner.uninstall': method({
    summary: "Remove a plan's runner from its host: schedule, env file and status files.",
    input: PlanRef,
    output: z.object({ planId: IdSchema, removed: z.boolean() }),
  }),
  'runner.status': method({
    summary:
      "A plan's runner as its host reports it: installed, scheduled, the last run's status file and the offsite copy's.",
    input: PlanRef,
    output: RunnerStatusSchema,
  }),
  'runner.runNow': method({
    summary:
      'Run the installed runner now, in the foreground as its timer would (a job); the status file says how it went.',
    input: PlanRef,
    output: JobStartedSchema,
  }),
  'copy.run': method({
    summary:
      "Copy a plan's snapshots to its business's offsite repository now (restic copy on the host; a job).",
    input: PlanRef,
    output: JobStartedSchema,
  }),
  'schedule.preview': method({
    summary: 'A cron expression in words, its next run times, and the systemd OnCalendar lines for it.',
    input: z
      .object({
        cron: CronSchema,
        locale: z.enum(['en', 'zh-CN']).optional(),
        count: z.number().int().min(1).max(50).optional(),
        /** IANA time zone of the host (default: the console's). */
        timeZone: z.string().max(64).optional(),
      })
      .strict(),
    output: SchedulePreviewSchema,
  }),
} as const;
