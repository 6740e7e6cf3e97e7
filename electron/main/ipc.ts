/**
 * The contract over Electron IPC: one `rfc:call` handler that checks who is
 * calling, then hands the call to the core's dispatch (which validates the
 * input against the contract), and the core's events forwarded on
 * `rfc:event`. Typed against small structural interfaces so it can be
 * tested without Electron's binary; main.ts passes the real ipcMain.
 */
import { fail, type Envelope, type EventMessage } from '../../shared';
import type { Core } from '../core/core';
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipc-channels';
import { isTrustedSender } from './window-policy';

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface CallBindingOptions {
  ipcMain: IpcMainLike;
  core: Pick<Core, 'dispatch'>;
  /** The app's own URL (app://console/index.html); senders must show it. */
  appUrl: string;
  /** True for the webContents of our own window(s). */
  isOwnWebContents: (sender: unknown) => boolean;
}

/** Why a sender is refused, or null when it may call. */
export function untrustedSenderReason(
  event: InvokeEventLike,
  appUrl: string,
  isOwnWebContents: (sender: unknown) => boolean,
): string | null {
  if (!isOwnWebContents(event.sender)) return 'not one of the console windows';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'a sub-frame';
  if (!isTrustedSender(frame.url, appUrl)) return 'a page that is not the console';
  return null;
}

/** Registers the one call handler; returns a function that removes it. */
export function bindCalls(options: CallBindingOptions): () => void {
  const { ipcMain, core, appUrl, isOwnWebContents } = options;
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, input: unknown): Promise<Envelope<unknown>> => {
    const reason = untrustedSenderReason(event, appUrl, isOwnWebContents);
    if (reason) return fail('UNAUTHORIZED', `IPC call refused: the sender is ${reason}.`);
    if (typeof method !== 'string') return fail('BAD_REQUEST', 'The method name must be a string.');
    return core.dispatch(method, input, { origin: 'ipc' });
  });
  return () => ipcMain.removeHandler(CALL_CHANNEL);
}

/** Forwards the core's events to one window until it goes away; returns the unsubscribe. */
export function forwardEvents(events: Core['events'], target: WebContentsLike): () => void {
  const unsubscribe = events.subscribe((message: EventMessage) => {
    if (target.isDestroyed()) {
      unsubscribe();
      return;
    }
    target.send(EVENT_CHANNEL, message);
  });
  return unsubscribe;
}
