/**
 * The serve mode's HTTP + WebSocket transport as a ConsoleClient:
 * `POST api/call/<method>` with the bearer token, replies are envelopes;
 * events come over the WebSocket at `api/events?token=…`. URLs are
 * resolved against the page's own URL so the console also works behind a
 * reverse proxy that mounts it under a sub-path.
 */
import {
  ConsoleError,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../../shared';
import { codeForHttpStatus, openEnvelope } from './envelope';
import { EventSocket } from './events-socket';
import type { CallOptions, RendererClient } from './types';

export interface HttpClientOptions {
  /** The page URL the API paths are resolved against (window.location.href). */
  pageUrl: string;
  token: string | null;
  fetchImpl?: typeof fetch;
  WebSocketImpl?: typeof WebSocket;
}

export function apiCallUrl(pageUrl: string, method: string): string {
  return new URL(`api/call/${encodeURIComponent(method)}`, pageUrl).toString();
}

export function eventsUrl(pageUrl: string, token: string): string {
  const url = new URL('api/events', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}

export const NO_TOKEN_MESSAGE =
  'No access token. Open the URL that `npm run serve` printed (it ends in ?token=…), in this tab.';

/** The ConsoleError an aborted call rejects with (the same for both transports). */
export function cancelledError(method: string): ConsoleError {
  return new ConsoleError('CANCELLED', `${method} was cancelled.`);
}

export function createHttpClient(options: HttpClientOptions): RendererClient {
  const fetchImpl =
    options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const token = options.token;
  const socket = token
    ? new EventSocket({ url: () => eventsUrl(options.pageUrl, token), WebSocketImpl: options.WebSocketImpl })
    : null;

  return {
    async call<M extends MethodName>(
      method: M,
      input: MethodInput<M>,
      callOptions: CallOptions = {},
    ): Promise<MethodOutput<M>> {
      if (!token) throw new ConsoleError('UNAUTHORIZED', NO_TOKEN_MESSAGE);
      const { signal } = callOptions;
      if (signal?.aborted) throw cancelledError(method);
      let response: Response;
      let text: string;
      try {
        response = await fetchImpl(apiCallUrl(options.pageUrl, method), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          cache: 'no-store',
          credentials: 'omit',
          ...(signal ? { signal } : {}),
        });
        text = await response.text();
      } catch (error) {
        // Aborting closes the request: the core sees the call's signal fire and stops its restic.
        if (signal?.aborted) throw cancelledError(method);
        const reason = error instanceof Error ? error.message : String(error);
        throw new ConsoleError(
          'INTERNAL',
          `The console server did not answer ${method} (${reason}). Is \`npm run serve\` still running?`,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ConsoleError(
          codeForHttpStatus(response.status),
          `${method}: HTTP ${response.status} ${response.statusText || ''}`.trim() +
            (text ? ` — ${text.slice(0, 200)}` : ''),
        );
      }
      return openEnvelope<MethodOutput<M>>(body, method);
    },
    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!socket) return () => {};
      return socket.subscribe(event, listener);
    },
  };
}
