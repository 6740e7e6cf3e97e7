/**
 * The renderer's view of the one client object: the contract's
 * ConsoleClient, plus an optional AbortSignal per call. The HTTP client
 * aborts the request (the core stops the restic behind it when its last
 * caller is gone); the preload bridge cannot cancel an IPC invoke, so it
 * stops waiting and rejects with CANCELLED while the core finishes on its
 * own. Either way the caller sees the same ConsoleError.
 */
import type { ConsoleClient, MethodInput, MethodName, MethodOutput } from '../../../shared';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface RendererClient extends ConsoleClient {
  call<M extends MethodName>(
    method: M,
    input: MethodInput<M>,
    options?: CallOptions,
  ): Promise<MethodOutput<M>>;
}
