/**
 * Job types: the record schemas live in the contract (shared/jobs.ts) so
 * the renderer sees exactly what the job manager persists.
 */
export * from '../../../shared/jobs';
import type { JobLogLine, JobRecord } from '../../../shared/jobs';

export type JobEvent =
  | { type: 'created'; job: JobRecord }
  | { type: 'updated'; job: JobRecord }
  | { type: 'log'; jobId: string; lines: JobLogLine[] };
