/**
 * Pure updates of cached job data from the core's events: `jobs.changed`
 * puts a job record into every cached list whose filter it matches (and
 * takes it out of those it no longer matches); `jobs.log` appends lines to
 * a job's cached log tail. Kept apart from React so it is unit-tested.
 */
import type { JobListFilter, JobLogLine, JobRecord } from '../../../shared';

/** How many log lines a job's detail keeps in memory (the core keeps its own bounded ring). */
export const LOG_LINES_KEPT = 5000;

const DEFAULT_LIMIT = 100;

export function jobMatchesFilter(job: JobRecord, filter: JobListFilter): boolean {
  if (filter.status !== undefined) {
    const wanted = Array.isArray(filter.status) ? filter.status : [filter.status];
    if (!wanted.includes(job.status)) return false;
  }
  if (filter.kind !== undefined && job.kind !== filter.kind) return false;
  if (filter.target !== undefined && job.target !== filter.target) return false;
  return true;
}

/** Newest first, as `jobs.list` returns them. */
function newerFirst(a: JobRecord, b: JobRecord): number {
  const d = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The list with `job` applied. Returns the same array when nothing changed,
 * so React Query keeps its reference (no re-render).
 */
export function applyJobToList(list: JobRecord[], job: JobRecord, filter: JobListFilter): JobRecord[] {
  const index = list.findIndex((j) => j.id === job.id);
  const matches = jobMatchesFilter(job, filter);
  if (index >= 0) {
    if (!matches) return list.filter((j) => j.id !== job.id);
    const next = list.slice();
    next[index] = job;
    return next;
  }
  // A page of older history (`before`) never gains a brand-new job.
  if (!matches || filter.before !== undefined) return list;
  const limit = filter.limit ?? DEFAULT_LIMIT;
  return [job, ...list].sort(newerFirst).slice(0, limit);
}

/** Log lines merged by line number (events may repeat what `jobs.get` already returned). */
export function appendLogLines(log: JobLogLine[], lines: JobLogLine[], keep = LOG_LINES_KEPT): JobLogLine[] {
  if (lines.length === 0) return log;
  const last = log.length ? log[log.length - 1]!.n : -1;
  const fresh = lines.filter((l) => l.n > last);
  if (fresh.length === lines.length && fresh.every((l, i) => i === 0 || l.n > fresh[i - 1]!.n)) {
    const merged = log.concat(fresh);
    return merged.length > keep ? merged.slice(merged.length - keep) : merged;
  }
  const byN = new Map<number, JobLogLine>();
  for (const l of log) byN.set(l.n, l);
  for (const l of lines) byN.set(l.n, l);
  const merged = [...byN.values()].sort((a, b) => a.n - b.n);
  return merged.length > keep ? merged.slice(merged.length - keep) : merged;
}
