/**
 * Job records as zod schemas: what the core's job manager persists and
 * emits, and what the contract's `jobs.*` methods and events carry.
 */
import { z } from 'zod';
import { ErrorCodeSchema } from './errors';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'succeeded',
  'partial',
  'failed',
  'cancelled',
]);

/** Manual jobs (a user pressed a button) go ahead of queued bulk ones (fan-out, schedules). */
export const JobPrioritySchema = z.enum(['manual', 'bulk']);
export type JobPriority = z.infer<typeof JobPrioritySchema>;

export const JobKindSchema = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{0,63}$/, 'a job kind is lower-case letters, digits, ".", "_" and "-"');

export const JobProgressSchema = z.object({
  /** 0–100 */
  percent: z.number().min(0).max(100).optional(),
  filesDone: z.number().nonnegative().optional(),
  filesTotal: z.number().nonnegative().optional(),
  bytesDone: z.number().nonnegative().optional(),
  bytesTotal: z.number().nonnegative().optional(),
  message: z.string().max(500).optional(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const JobErrorSchema = z.object({ code: ErrorCodeSchema, message: z.string() });
export type JobError = z.infer<typeof JobErrorSchema>;

export const JobRecordSchema = z.object({
  id: z.string(),
  kind: z.string(),
  /** What the job works on: "repo:<id>", "host:<id>", "fleet", … */
  target: z.string(),
  /** A human title: "Back up /srv on web-1". */
  title: z.string(),
  status: JobStatusSchema,
  priority: JobPrioritySchema,
  progress: JobProgressSchema,
  /** Named counts the job keeps (errors, snapshots removed, hosts checked, …). */
  counters: z.record(z.string(), z.number()),
  /** The equivalent command line, secrets masked. */
  command: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  error: JobErrorSchema.nullable(),
  /** Cancel was asked for and the job has not stopped yet. */
  cancelRequested: z.boolean(),
  /** Lines the job logged in all, and how many of them are no longer kept (the log is a ring). */
  logTotal: z.number().int().nonnegative(),
  logDropped: z.number().int().nonnegative(),
});
export type JobRecord = z.infer<typeof JobRecordSchema>;

export const JobLogStreamSchema = z.enum(['stdout', 'stderr', 'info']);
export type JobLogStream = z.infer<typeof JobLogStreamSchema>;

export const JobLogLineSchema = z.object({
  /** 0-based line number within the job (gaps mean dropped lines). */
  n: z.number().int().nonnegative(),
  at: z.string(),
  stream: JobLogStreamSchema,
  line: z.string(),
});
export type JobLogLine = z.infer<typeof JobLogLineSchema>;

export const JobListFilterSchema = z
  .object({
    status: z.union([JobStatusSchema, z.array(JobStatusSchema).min(1)]).optional(),
    kind: JobKindSchema.optional(),
    target: z.string().max(512).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
    /** A job id: list the jobs created before it (the last id of the previous page). */
    before: z.string().max(128).optional(),
  })
  .strict();
export type JobListFilter = z.input<typeof JobListFilterSchema>;
