/**
 * The object the preload exposes as `window.rfc`: calls and subscriptions
 * limited to the contract's allow-lists. Built over a minimal ipcRenderer
 * shape so it can be tested without Electron. The renderer never sees
 * ipcRenderer nor an IpcRendererEvent (whose `sender` is ipcRenderer).
 */
import type { Envelope } from '../../shared/envelope';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../main/ipc-channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface RfcBridge {
  call(method: string, input?: unknown): Promise<Envelope<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export function createBridge(
  ipc: IpcRendererLike,
  allowed: { methods: readonly string[]; events: readonly string[] },
): RfcBridge {
  const methods = new Set(allowed.methods);
  const eventNames = new Set(allowed.events);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let attached = false;

  // One ipcRenderer listener for all subscriptions, attached on first use.
  const onEvent = (_event: unknown, message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string') return;
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch {
        // A throwing subscriber must not starve the others.
      }
    }
  };

  return {
    call(method, input) {
      if (typeof method !== 'string' || !methods.has(method)) {
        // Built by hand: shared's `fail` would pull zod into the preload bundle.
        const refused: Envelope<unknown> = {
          ok: false,
          error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method).slice(0, 100)}".` },
        };
        return Promise.resolve(refused);
      }
      return ipc.invoke(CALL_CHANNEL, method, input) as Promise<Envelope<unknown>>;
    },
    subscribe(event, listener) {
      if (typeof event !== 'string' || !eventNames.has(event))
        throw new TypeError(`Unknown event "${String(event)}".`);
      if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function.');
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      // Wrapped, so subscribing the same function twice gives two independent subscriptions.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      if (!attached) {
        ipc.on(EVENT_CHANNEL, onEvent);
        attached = true;
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set.delete(entry);
        if (set.size === 0) listeners.delete(event);
        if (listeners.size === 0 && attached) {
          ipc.removeListener(EVENT_CHANNEL, onEvent);
          attached = false;
        }
      };
    },
  };
}
