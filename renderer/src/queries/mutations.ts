/**
 * Mutations: one hook for any contract method that changes something.
 * The core also emits `invalidate` events for what it changed; invalidating
 * the given keys here as well makes this window current without waiting
 * for the event round trip.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared';
import { useClient } from '../client/ClientContext';
import type { QueryKey } from './queryKeys';

export function useCallMutation<M extends MethodName>(
  method: M,
  options: {
    invalidate?: readonly QueryKey[];
    onSuccess?: (value: MethodOutput<M>, input: MethodInput<M>) => void;
  } = {},
) {
  const client = useClient();
  const queryClient = useQueryClient();
  return useMutation<MethodOutput<M>, Error, MethodInput<M>>({
    mutationFn: (input) => client.call(method, input),
    onSuccess: (value, input) => {
      for (const queryKey of options.invalidate ?? []) void queryClient.invalidateQueries({ queryKey });
      options.onSuccess?.(value, input);
    },
  });
}
