/**
 * React Query hooks for the alerts screen (kept here so areas built side by
 * side do not edit one hooks file). Alerts the console fires after a daily
 * check arrive as `alerts.fired`: the channels' last delivery and the
 * history are refreshed then.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { AlertDeliveryResult, MethodOutput } from '../../../../shared';
import { useClient } from '../../client/ClientContext';

export const alertKeys = {
  all: ['alerts'] as const,
  channels: () => ['alerts', 'channels'] as const,
  history: (filter: { result?: AlertDeliveryResult }) => ['alerts', 'history', filter] as const,
};

export function useAlertChannels() {
  const client = useClient();
  return useQuery<MethodOutput<'alerts.channels'>, Error>({
    queryKey: alertKeys.channels(),
    queryFn: ({ signal }) => client.call('alerts.channels', {}, { signal }),
  });
}

export function useAlertHistory(filter: { result?: AlertDeliveryResult }) {
  const client = useClient();
  return useQuery<MethodOutput<'alerts.history'>, Error>({
    queryKey: alertKeys.history(filter),
    queryFn: ({ signal }) => client.call('alerts.history', { ...filter, limit: 500 }, { signal }),
  });
}

/** Refreshes the alerts queries when the core says alerts went out. */
export function useAlertsFiredRefresh(): void {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.subscribe('alerts.fired', () => void queryClient.invalidateQueries({ queryKey: alertKeys.all })),
    [client, queryClient],
  );
}
