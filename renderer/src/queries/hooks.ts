/** React Query hooks for the contract's read methods. */
import { useQueries, useQuery, type UseQueryOptions } from '@tanstack/react-query';
import {
  TERMINAL_STATUSES,
  type JobListFilter,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../shared';
import { useClient } from '../client/ClientContext';
import { queryKeys, type AuditQueryFilter, type QueryKey } from './queryKeys';

function useCall<M extends MethodName>(
  method: M,
  input: MethodInput<M>,
  key: QueryKey,
  options: Partial<UseQueryOptions<MethodOutput<M>, Error, MethodOutput<M>, QueryKey>> = {},
) {
  const client = useClient();
  return useQuery<MethodOutput<M>, Error, MethodOutput<M>, QueryKey>({
    queryKey: key,
    queryFn: () => client.call(method, input),
    ...options,
  });
}

export function useAppInfo() {
  return useCall('app.info', {}, queryKeys.app.info(), { staleTime: Infinity });
}

export function useHosts() {
  return useCall('hosts.list', {}, queryKeys.hosts.list());
}

export function useRepos() {
  return useCall('repos.list', {}, queryKeys.repos.list());
}

export function useSnapshots(repoId: string | null) {
  return useCall('snapshots.list', { repoId: repoId ?? '' }, queryKeys.snapshots.list(repoId ?? ''), {
    enabled: repoId !== null,
  });
}

/**
 * A snapshot's content never changes: cache `ls` pages until an invalidate
 * event says otherwise. The query's signal goes with the call, so a listing
 * nobody looks at any more (its folder was closed, or superseded by another
 * click) is aborted and the core stops the restic behind it.
 */
export function lsQueryOptions(
  call: ReturnType<typeof useClient>['call'],
  repoId: string,
  snapshotId: string,
  path: string,
) {
  return {
    queryKey: queryKeys.snapshots.ls(repoId, snapshotId, path) as QueryKey,
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      call('snapshots.ls', { repoId, snapshotId, path }, { signal }),
    staleTime: Infinity,
  };
}

export function useDiff(repoId: string | null, from: string | null, to: string | null) {
  const enabled = repoId !== null && from !== null && to !== null && from !== to;
  return useCall(
    'snapshots.diff',
    { repoId: repoId ?? '', from: from ?? '', to: to ?? '' },
    queryKeys.snapshots.diff(repoId ?? '', from ?? '', to ?? ''),
    { enabled, staleTime: Infinity },
  );
}

export function useBusinesses() {
  return useCall('businesses.list', {}, queryKeys.businesses.list());
}

export function usePlans() {
  return useCall('plans.list', {}, queryKeys.plans.list());
}

export function useHost(hostId: string | null) {
  return useCall('hosts.get', { id: hostId ?? '' }, queryKeys.hosts.detail(hostId ?? ''), {
    enabled: hostId !== null,
  });
}

/**
 * Every host's detail (pinned key, private key set): `hosts.list` carries
 * only the address, so the hosts table asks for each one (a local read).
 */
export function useHostDetails(hostIds: readonly string[]): Array<MethodOutput<'hosts.get'> | undefined> {
  const client = useClient();
  return useQueries({
    queries: hostIds.map((id) => ({
      queryKey: queryKeys.hosts.detail(id) as QueryKey,
      queryFn: () => client.call('hosts.get', { id }),
    })),
    combine: combineData,
  });
}

/** Module-level so React Query can keep the combined array stable between renders. */
function combineData<T>(results: Array<{ data?: T }>): Array<T | undefined> {
  return results.map((r) => r.data);
}

/**
 * Job lists are kept current by `jobs.changed` events (useJobEvents); while
 * something runs, a slow poll also covers events missed during a reconnect.
 */
export function useJobs(filter: JobListFilter) {
  return useCall('jobs.list', filter, queryKeys.jobs.list(filter), {
    staleTime: 60_000,
    refetchInterval: (query) =>
      query.state.data?.some((job) => !TERMINAL_STATUSES.has(job.status)) ? 30_000 : false,
  });
}

/** One job with its log tail; `jobs.changed` and `jobs.log` events update it in place. */
export function useJob(jobId: string | null) {
  return useCall('jobs.get', { id: jobId ?? '' }, queryKeys.jobs.detail(jobId ?? ''), {
    enabled: jobId !== null,
    staleTime: Infinity,
  });
}

export function useAudit(filter: AuditQueryFilter) {
  return useCall('audit.list', filter, queryKeys.audit.list(filter));
}

export function useChecks(limit = 60) {
  return useCall('fleet.checks', { limit }, queryKeys.checks.list(limit), {
    refetchInterval: (query) => (query.state.data?.some((c) => c.status === 'running') ? 5_000 : false),
  });
}

/** A daily check with its items; `null` asks for the latest. */
export function useCheck(checkId: string | null) {
  return useCall('fleet.check', checkId ? { id: checkId } : {}, queryKeys.checks.detail(checkId), {
    // A check still running fills in as hosts answer.
    refetchInterval: (query) => (query.state.data?.check.status === 'running' ? 2_000 : false),
  });
}

export function useCheckTrend(days: number) {
  return useCall('fleet.checkTrend', { days }, queryKeys.checks.trend(days));
}

// ---- repository page and snapshot extras (issue 4)

/** The repository page: counts, stats, last check, locks (pid probed on its host), growth. */
export function useRepoDetail(repoId: string | null) {
  const client = useClient();
  return useQuery<MethodOutput<'repos.get'>, Error, MethodOutput<'repos.get'>, QueryKey>({
    queryKey: queryKeys.repos.detail(repoId ?? ''),
    queryFn: ({ signal }) => client.call('repos.get', { id: repoId ?? '' }, { signal }),
    enabled: repoId !== null,
    staleTime: 60_000,
  });
}

export function useRepoKeys(repoId: string | null) {
  return useCall('repos.keys', { id: repoId ?? '' }, queryKeys.repos.keys(repoId ?? ''), {
    enabled: repoId !== null,
  });
}

/**
 * A dry run of a retention policy; `null` until the user asks for a preview.
 * `paused` holds it (keeping the last answer) while a job holds the repository.
 */
export function useForgetPreview(
  repoId: string,
  request: { policy: MethodInput<'repos.forgetPreview'>['policy']; groupBy?: string } | null,
  paused = false,
) {
  const client = useClient();
  return useQuery<MethodOutput<'repos.forgetPreview'>, Error, MethodOutput<'repos.forgetPreview'>, QueryKey>({
    queryKey: queryKeys.repos.forgetPreview(repoId, request?.policy ?? null, request?.groupBy),
    queryFn: ({ signal }) =>
      client.call(
        'repos.forgetPreview',
        {
          id: repoId,
          policy: request?.policy ?? {},
          ...(request?.groupBy !== undefined ? { groupBy: request.groupBy } : {}),
        },
        { signal },
      ),
    enabled: request !== null && !paused,
    staleTime: 30_000,
    retry: false,
  });
}

/** `restic find` by name within one snapshot; `null` pattern: no search yet. */
export function useSnapshotFind(
  repoId: string,
  snapshotId: string,
  pattern: string | null,
  ignoreCase: boolean,
) {
  const client = useClient();
  return useQuery<MethodOutput<'snapshots.find'>, Error, MethodOutput<'snapshots.find'>, QueryKey>({
    queryKey: queryKeys.snapshots.find(repoId, snapshotId, pattern ?? '', ignoreCase),
    queryFn: ({ signal }) =>
      client.call(
        'snapshots.find',
        { repoId, pattern: pattern ?? '', snapshotIds: [snapshotId], ignoreCase, limit: 1000 },
        { signal },
      ),
    enabled: pattern !== null && pattern !== '',
    staleTime: Infinity,
    retry: false,
  });
}

/** A file's versions across the repository's snapshots; `null` path: closed. */
export function useFileHistory(repoId: string, path: string | null) {
  const client = useClient();
  return useQuery<MethodOutput<'snapshots.history'>, Error, MethodOutput<'snapshots.history'>, QueryKey>({
    queryKey: queryKeys.snapshots.history(repoId, path ?? ''),
    queryFn: ({ signal }) => client.call('snapshots.history', { repoId, path: path ?? '/' }, { signal }),
    enabled: path !== null,
    staleTime: Infinity,
    retry: false,
  });
}
