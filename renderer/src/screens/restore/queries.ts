/**
 * React Query hooks for the restore wizard (kept here rather than in the
 * shared hooks file so the areas built side by side do not collide).
 * A restore record changes as its job runs: it is refetched when its job
 * changes status, and polled slowly while active to cover missed events.
 */
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  TERMINAL_STATUSES,
  type MethodOutput,
  type RestoreRecord,
  type RestoreRequest,
} from '../../../../shared';
import { useClient } from '../../client/ClientContext';

export const restoreKeys = {
  all: ['restore'] as const,
  capabilities: (hostId: string) => ['restore', 'capabilities', hostId] as const,
  preview: (request: RestoreRequest | null) => ['restore', 'preview', request] as const,
  list: (active: boolean, limit: number) => ['restore', 'list', active, limit] as const,
  lists: () => ['restore', 'list'] as const,
  detail: (id: string) => ['restore', 'detail', id] as const,
};

const ACTIVE: ReadonlySet<RestoreRecord['status']> = new Set([
  'queued',
  'safety-snapshot',
  'restoring',
  'verifying',
]);
export const isRestoreActive = (r: Pick<RestoreRecord, 'status'>) => ACTIVE.has(r.status);

export function useRestoreCapabilities(hostId: string | null) {
  const client = useClient();
  return useQuery<MethodOutput<'restore.capabilities'>, Error>({
    queryKey: restoreKeys.capabilities(hostId ?? ''),
    queryFn: ({ signal }) => client.call('restore.capabilities', { hostId: hostId ?? '' }, { signal }),
    enabled: hostId !== null,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** The dry run; `null` request: not asked yet. Superseded requests are aborted (their restic stops). */
export function useRestorePreview(request: RestoreRequest | null) {
  const client = useClient();
  return useQuery<MethodOutput<'restore.preview'>, Error>({
    queryKey: restoreKeys.preview(request),
    queryFn: ({ signal }) => client.call('restore.preview', { ...request!, limit: 20_000 }, { signal }),
    enabled: request !== null,
    // The target changes under us (someone writes there): a preview is fresh for a minute, then asked again.
    staleTime: 60_000,
    gcTime: 5 * 60_000,
    retry: false,
  });
}

export function useRestoreList(active: boolean, limit = 50) {
  const client = useClient();
  return useQuery<RestoreRecord[], Error>({
    queryKey: restoreKeys.list(active, limit),
    queryFn: ({ signal }) => client.call('restore.list', { active, limit }, { signal }),
    refetchInterval: (q) => (q.state.data?.some(isRestoreActive) ? 5_000 : false),
    retry: false,
  });
}

export function useRestoreRecord(id: string | null) {
  const client = useClient();
  return useQuery<RestoreRecord, Error>({
    queryKey: restoreKeys.detail(id ?? ''),
    queryFn: ({ signal }) => client.call('restore.get', { id: id ?? '' }, { signal }),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && isRestoreActive(q.state.data) ? 3_000 : false),
  });
}

/**
 * Restore records follow their jobs: when a restore job changes status
 * (started, ended) the restore queries are refreshed. Progress ticks do not
 * refetch (the job record carries those).
 */
export function useRestoreJobSync(): void {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(() => {
    const lastStatus = new Map<string, string>();
    return client.subscribe('jobs.changed', ({ job }) => {
      if (!job.kind.startsWith('restore')) return;
      const key = job.status;
      const before = lastStatus.get(job.id);
      lastStatus.set(job.id, key);
      // The restore's phase within a running job (safety snapshot, restoring) is picked up by the record's poll.
      if (before !== key || TERMINAL_STATUSES.has(job.status)) {
        void queryClient.invalidateQueries({ queryKey: restoreKeys.lists() });
        void queryClient.invalidateQueries({ queryKey: ['restore', 'detail'] });
      }
    });
  }, [client, queryClient]);
}
