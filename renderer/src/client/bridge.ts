/**
 * The Electron preload bridge as a ConsoleClient. The preload script
 * exposes `window.rfc` (contextBridge); it returns envelopes, which we open
 * here exactly like the HTTP client does.
 */
import type {
  ConsoleClient,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../shared';
import { asConsoleError, openEnvelope } from './envelope';

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

export function createBridgeClient(bridge: RfcBridge): ConsoleClient {
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let raw: unknown;
      try {
        raw = await bridge.call(method, input ?? {});
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
