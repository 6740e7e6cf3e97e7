/**
 * The serve mode's event stream: one WebSocket at /api/events?token=…,
 * opened while anyone listens, reopened with exponential backoff when it
 * drops. Events missed while disconnected cannot be replayed, so after a
 * reconnect listeners of `invalidate` hear "everything is stale" once.
 */
import { EVENT_NAMES, events, isEventName, type EventName, type EventPayload } from '../../../shared';

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** 0..1: how much of the delay is randomised, so many tabs do not reconnect in lockstep. */
  jitter?: number;
}

/** Delay before reconnect attempt `attempt` (0-based). Pure; `random` is injectable for tests. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const jitter = options.jitter ?? 0.2;
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 30)));
  const spread = exp * jitter;
  return Math.round(Math.max(0, Math.min(max, exp - spread + random() * 2 * spread)));
}

/** Parse one socket message into a known, valid event; anything else is dropped. */
export function parseEventMessage(
  data: unknown,
): { event: EventName; payload: EventPayload<EventName> } | null {
  if (typeof data !== 'string') return null;
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) return null;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || !isEventName(event)) return null;
  const checked = events[event].safeParse(payload);
  if (!checked.success) return null;
  return { event, payload: checked.data };
}

type AnyListener = (payload: EventPayload<EventName>) => void;

export interface EventSocketOptions {
  url: () => string;
  WebSocketImpl?: typeof WebSocket;
  backoff?: BackoffOptions;
  onStatus?: (status: 'connecting' | 'open' | 'closed') => void;
}

export class EventSocket {
  private readonly listeners = new Map<EventName, Set<AnyListener>>();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private everOpened = false;
  private stopped = true;

  constructor(private readonly options: EventSocketOptions) {}

  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const wrapped = listener as AnyListener;
    set.add(wrapped);
    if (this.stopped) this.start();
    return () => {
      set.delete(wrapped);
      if (this.listenerCount() === 0) this.stop();
    };
  }

  private listenerCount(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private emit(event: EventName, payload: EventPayload<EventName>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error('event listener failed', error);
      }
    }
  }

  private start(): void {
    this.stopped = false;
    this.connect();
  }

  private stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'no listeners');
  }

  private connect(): void {
    if (this.stopped) return;
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    this.options.onStatus?.('connecting');
    let socket: WebSocket;
    try {
      socket = new Impl(this.options.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.options.onStatus?.('open');
      if (this.everOpened) {
        // We may have missed events while disconnected: declare every scope stale.
        for (const scope of events.invalidate.shape.scope.options) this.emit('invalidate', { scope });
      }
      this.everOpened = true;
    };
    socket.onmessage = (message: MessageEvent) => {
      const parsed = parseEventMessage(message.data);
      if (parsed) this.emit(parsed.event, parsed.payload);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.options.onStatus?.('closed');
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    const delay = backoffDelay(this.attempt, this.options.backoff);
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }
}

export const KNOWN_EVENTS = EVENT_NAMES;
