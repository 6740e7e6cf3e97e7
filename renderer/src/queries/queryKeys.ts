/**
 * Every React Query key the renderer uses, built in one place (the
 * query-key factory pattern). Keys are hierarchical so one prefix
 * invalidates a whole family: `snapshots.repo(id)` covers that
 * repository's list, its `ls` pages and its diffs.
 */
import type { EventPayload, JobListFilter } from '../../../shared';

/** Filters as part of a key: the audit list's inputs (the contract's AuditFilter without paging). */
export interface AuditQueryFilter {
  action?: string;
  target?: string;
  actor?: string;
  result?: 'succeeded' | 'failed' | 'denied';
  from?: string;
  to?: string;
  limit?: number;
}

export const queryKeys = {
  app: {
    all: ['app'] as const,
    info: () => ['app', 'info'] as const,
  },
  hosts: {
    all: ['hosts'] as const,
    list: () => ['hosts', 'list'] as const,
    detail: (hostId: string) => ['hosts', 'detail', hostId] as const,
  },
  businesses: {
    all: ['businesses'] as const,
    list: () => ['businesses', 'list'] as const,
  },
  plans: {
    all: ['plans'] as const,
    list: () => ['plans', 'list'] as const,
  },
  jobs: {
    all: ['jobs'] as const,
    lists: () => ['jobs', 'list'] as const,
    list: (filter: JobListFilter) => ['jobs', 'list', filter] as const,
    detail: (jobId: string) => ['jobs', 'detail', jobId] as const,
  },
  audit: {
    all: ['audit'] as const,
    list: (filter: AuditQueryFilter) => ['audit', 'list', filter] as const,
  },
  checks: {
    all: ['checks'] as const,
    list: (limit: number) => ['checks', 'list', limit] as const,
    /** `null`: the latest check. */
    detail: (checkId: string | null) => ['checks', 'detail', checkId ?? 'latest'] as const,
    trend: (days: number) => ['checks', 'trend', days] as const,
  },
  repos: {
    all: ['repos'] as const,
    list: () => ['repos', 'list'] as const,
    // ---- repository page (issue 4)
    detail: (repoId: string) => ['repos', 'detail', repoId] as const,
    keys: (repoId: string) => ['repos', 'keys', repoId] as const,
    forgetPreview: (repoId: string, policy: unknown, groupBy: string | undefined) =>
      ['repos', 'forgetPreview', repoId, policy, groupBy ?? null] as const,
  },
  snapshots: {
    all: ['snapshots'] as const,
    repo: (repoId: string) => ['snapshots', repoId] as const,
    list: (repoId: string) => ['snapshots', repoId, 'list'] as const,
    ls: (repoId: string, snapshotId: string, path: string) =>
      ['snapshots', repoId, 'ls', snapshotId, path] as const,
    diff: (repoId: string, from: string, to: string) => ['snapshots', repoId, 'diff', from, to] as const,
    // ---- snapshot extras (issue 4)
    find: (repoId: string, snapshotId: string, pattern: string, ignoreCase: boolean) =>
      ['snapshots', repoId, 'find', snapshotId, pattern, ignoreCase] as const,
    history: (repoId: string, path: string) => ['snapshots', repoId, 'history', path] as const,
  },
} as const;

export type QueryKey = readonly unknown[];

/** The query-key prefixes an `invalidate` event from the core makes stale. */
export function keysForInvalidate(payload: EventPayload<'invalidate'>): QueryKey[] {
  switch (payload.scope) {
    case 'hosts':
      // Repositories and plans name their host; a renamed host changes what those lists show.
      return [queryKeys.hosts.all, queryKeys.repos.all, queryKeys.plans.all];
    case 'repos':
      return payload.repoId
        ? [queryKeys.repos.all, queryKeys.snapshots.repo(payload.repoId)]
        : [queryKeys.repos.all, queryKeys.snapshots.all];
    case 'snapshots':
      return payload.repoId ? [queryKeys.snapshots.repo(payload.repoId)] : [queryKeys.snapshots.all];
    case 'businesses':
      // Repositories and plans show their business's name.
      return [queryKeys.businesses.all, queryKeys.repos.all, queryKeys.plans.all];
    case 'plans':
      return [queryKeys.plans.all];
    case 'audit':
      return [queryKeys.audit.all];
    case 'checks':
      return [queryKeys.checks.all];
  }
}
