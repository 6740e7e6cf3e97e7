/**
 * The core as the transports see it: one dispatch function for the
 * contract's methods and one event bus. Electron main (IPC) and serve
 * mode (HTTP + WebSocket) are thin bindings of this object.
 */
import type { Dispatch } from './rpc/dispatcher';
import type { EventBus } from './rpc/event-bus';

export interface Core {
  readonly dispatch: Dispatch;
  readonly events: EventBus;
  /** Stops running jobs and releases resources. */
  close(): Promise<void>;
}
