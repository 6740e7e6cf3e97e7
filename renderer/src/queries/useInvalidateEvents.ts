import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useClient } from '../client/ClientContext';
import { keysForInvalidate } from './queryKeys';

/** Maps the core's `invalidate` events to React Query invalidations, for the app's lifetime. */
export function useInvalidateEvents(): void {
  const client = useClient();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      client.subscribe('invalidate', (payload) => {
        for (const queryKey of keysForInvalidate(payload)) void queryClient.invalidateQueries({ queryKey });
      }),
    [client, queryClient],
  );
}
