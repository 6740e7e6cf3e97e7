import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { TERMINAL_STATUSES, type JobListFilter, type JobRecord, type MethodOutput } from '../../../shared';
import { useClient } from '../client/ClientContext';
import { appendLogLines, applyJobToList } from './jobsCache';
import { queryKeys } from './queryKeys';

type JobDetail = MethodOutput<'jobs.get'>;

/** Puts a changed job into every cached job list and into its cached detail. */
export function applyJobEvent(queryClient: QueryClient, job: JobRecord): void {
  for (const [key, list] of queryClient.getQueriesData<JobRecord[]>({ queryKey: queryKeys.jobs.lists() })) {
    if (!list) continue;
    const filter = (key[2] ?? {}) as JobListFilter;
    const next = applyJobToList(list, job, filter);
    if (next !== list) queryClient.setQueryData(key, next);
  }
  queryClient.setQueryData<JobDetail>(queryKeys.jobs.detail(job.id), (detail) =>
    detail ? { ...detail, job } : detail,
  );
}

/**
 * The core's job events, wired to React Query for the app's lifetime:
 * `jobs.changed` updates cached lists and details in place (no refetch per
 * progress tick); `jobs.log` appends to the open job's log. When a fleet
 * job ends, the daily-check queries are refreshed too.
 */
export function useJobEvents(): void {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    const offChanged = client.subscribe('jobs.changed', ({ job }) => {
      applyJobEvent(queryClient, job);
      if (TERMINAL_STATUSES.has(job.status) && (job.target === 'fleet' || job.kind.startsWith('fleet'))) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.checks.all });
      }
      // A repository job that ended (check, forget, prune, unlock, keys) changes its page: last check, locks, sizes.
      if (TERMINAL_STATUSES.has(job.status) && job.target.startsWith('repo:')) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.repos.detail(job.target.slice(5)) });
      }
    });
    const offLog = client.subscribe('jobs.log', ({ jobId, lines }) => {
      queryClient.setQueryData<JobDetail>(queryKeys.jobs.detail(jobId), (detail) =>
        detail ? { ...detail, log: appendLogLines(detail.log, lines) } : detail,
      );
    });
    return () => {
      offChanged();
      offLog();
    };
  }, [client, queryClient]);
}
