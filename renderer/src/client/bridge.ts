/**
 * The Electron preload bridge as a ConsoleClient. The preload script
 * exposes `window.rfc` (contextBridge); it returns envelopes, which we open
 * here exactly like the HTTP client does.
 */
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../shared';
import { asConsoleError, openEnvelope } from './envelope';
import { cancelledError } from './http';
import type { CallOptions, RendererClient } from './types';

/** What the preload script puts on `window.rfc`. */
export interface RfcBridge {
  call(method: string, input: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    rfc?: RfcBridge;
  }
}

/**
 * An IPC invoke cannot be cancelled: with a signal, the call stops waiting
 * (rejects with CANCELLED) when it fires; the reply, if any, is dropped.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, method: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelledError(method));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(method));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

export function createBridgeClient(bridge: RfcBridge): RendererClient {
  return {
    async call<M extends MethodName>(
      method: M,
      input: MethodInput<M>,
      options: CallOptions = {},
    ): Promise<MethodOutput<M>> {
      let raw: unknown;
      try {
        raw = await untilAborted(bridge.call(method, input ?? {}), options.signal, method);
      } catch (error) {
        throw asConsoleError(error, method);
      }
      return openEnvelope<MethodOutput<M>>(raw, method);
    },
    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return bridge.subscribe(event, (payload) => listener(payload as EventPayload<E>));
    },
  };
}
