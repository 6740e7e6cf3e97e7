/**
 * React Query hooks for the MinIO screen (kept here so areas built side by
 * side do not edit one hooks file).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MethodOutput, MinioStatus } from '../../../../shared';
import { useClient } from '../../client/ClientContext';

export const minioKeys = {
  all: ['minio'] as const,
  connections: () => ['minio', 'connections'] as const,
  status: (id: string) => ['minio', 'status', id] as const,
};

export function useMinioConnections() {
  const client = useClient();
  return useQuery<MethodOutput<'minio.list'>, Error>({
    queryKey: minioKeys.connections(),
    queryFn: ({ signal }) => client.call('minio.list', {}, { signal }),
  });
}

/** The last known status (null when never checked). */
export function useMinioStatus(id: string | null) {
  const client = useClient();
  return useQuery<MinioStatus | null, Error>({
    queryKey: minioKeys.status(id ?? ''),
    queryFn: ({ signal }) => client.call('minio.status', { id: id! }, { signal }),
    enabled: id !== null,
  });
}

/** Asks the server now; the answer replaces the cached status. */
export function useMinioRefresh() {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<MinioStatus | null, Error, { id: string }>({
    mutationFn: ({ id }) => client.call('minio.status', { id, refresh: true }),
    onSuccess: (status, { id }) => {
      queryClient.setQueryData(minioKeys.status(id), status);
    },
  });
}
