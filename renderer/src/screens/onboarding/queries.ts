/**
 * React Query hooks for the onboarding wizard (kept here so areas built side
 * by side do not edit one hooks file). An onboarding changes while its
 * step jobs run: it is polled while busy, and once more when it settles.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared';
import { useClient } from '../../client/ClientContext';

export const onboardingKeys = {
  all: ['onboarding'] as const,
  list: () => ['onboarding', 'list'] as const,
  detail: (id: string) => ['onboarding', 'detail', id] as const,
  bucket: (minioId: string, bucket: string) => ['onboarding', 'bucket', minioId, bucket] as const,
  minio: () => ['onboarding', 'minio'] as const,
  schedule: (cron: string, locale: string) => ['onboarding', 'schedule', cron, locale] as const,
};

const busy = (d: MethodOutput<'onboarding.get'> | undefined) =>
  d !== undefined && (d.busy || d.status === 'rolling_back' || d.steps.some((s) => s.status === 'running'));

export function useOnboardings() {
  const client = useClient();
  return useQuery<MethodOutput<'onboarding.list'>, Error>({
    queryKey: onboardingKeys.list(),
    queryFn: ({ signal }) => client.call('onboarding.list', {}, { signal }),
    refetchInterval: (q) => (q.state.data?.some((o) => o.busy) ? 2_000 : false),
  });
}

export function useOnboarding(id: string | null) {
  const client = useClient();
  return useQuery<MethodOutput<'onboarding.get'>, Error>({
    queryKey: onboardingKeys.detail(id ?? ''),
    queryFn: ({ signal }) => client.call('onboarding.get', { id: id ?? '' }, { signal }),
    enabled: id !== null,
    refetchInterval: (q) => (busy(q.state.data) ? 1_000 : false),
  });
}

export function useMinioConnections() {
  const client = useClient();
  return useQuery<MethodOutput<'minio.list'>, Error>({
    queryKey: onboardingKeys.minio(),
    queryFn: ({ signal }) => client.call('minio.list', {}, { signal }),
    staleTime: 30_000,
  });
}

/** The value once it stopped changing for `ms` (live checks without a call per key press). */
export function useDebounced<T>(value: T, ms = 350): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Whether a valid bucket name is free on the connection (asked only for names that pass the rules). */
export function useBucketCheck(minioId: string | null, bucket: string, enabled: boolean) {
  const client = useClient();
  return useQuery<MethodOutput<'onboarding.validateBucket'>, Error>({
    queryKey: onboardingKeys.bucket(minioId ?? '', bucket),
    queryFn: ({ signal }) =>
      client.call('onboarding.validateBucket', { bucket, ...(minioId ? { minioId } : {}) }, { signal }),
    enabled: enabled && minioId !== null && bucket !== '',
    staleTime: 10_000,
    retry: false,
  });
}

/** The runner area's cron preview: the schedule in words and its next five runs. */
export function useSchedulePreview(cron: string, locale: 'en' | 'zh-CN') {
  const client = useClient();
  return useQuery<MethodOutput<'schedule.preview'>, Error>({
    queryKey: onboardingKeys.schedule(cron, locale),
    queryFn: ({ signal }) => client.call('schedule.preview', { cron, locale, count: 5 }, { signal }),
    enabled: cron.trim() !== '',
    staleTime: 60_000,
    retry: false,
  });
}
