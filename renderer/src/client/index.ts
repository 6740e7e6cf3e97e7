/**
 * One client for the whole renderer. In Electron the preload script has
 * put `window.rfc` on the page; anywhere else (serve mode in a browser)
 * we talk HTTP + WebSocket to the page's own origin. Both are plain
 * ConsoleClients, so nothing past this file knows which one it got.
 */
import { createBridgeClient } from './bridge';
import { createHttpClient } from './http';
import { takeToken } from './token';
import type { RendererClient } from './types';

export type TransportKind = 'bridge' | 'http';

export function pickTransport(win: Pick<Window, 'rfc'>): TransportKind {
  return win.rfc && typeof win.rfc.call === 'function' && typeof win.rfc.subscribe === 'function'
    ? 'bridge'
    : 'http';
}

export function createClient(win: Window = window): RendererClient {
  if (pickTransport(win) === 'bridge' && win.rfc) return createBridgeClient(win.rfc);
  const token = takeToken({ location: win.location, history: win.history, storage: win.sessionStorage });
  return createHttpClient({ pageUrl: win.location.href, token });
}

export { openEnvelope, asConsoleError } from './envelope';
export type { CallOptions, RendererClient } from './types';
