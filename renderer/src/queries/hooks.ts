/** React Query hooks for the contract's read methods. */
import { useQuery, type UseQueryOptions } from '@tanstack/react-query';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared';
import { useClient } from '../client/ClientContext';
import { queryKeys, type QueryKey } from './queryKeys';

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

/** A snapshot's content never changes: cache `ls` pages until an invalidate event says otherwise. */
export function lsQueryOptions(
  call: ReturnType<typeof useClient>['call'],
  repoId: string,
  snapshotId: string,
  path: string,
) {
  return {
    queryKey: queryKeys.snapshots.ls(repoId, snapshotId, path) as QueryKey,
    queryFn: () => call('snapshots.ls', { repoId, snapshotId, path }),
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
