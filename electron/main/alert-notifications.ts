/**
 * Desktop notifications for `alerts.fired`. The wording and the batching
 * policy are plain functions and a small class with injected timers, so
 * they are unit-tested without Electron's binary; main.ts only hands the
 * result to Electron's Notification.
 *
 * Policy: events arriving within `windowMs` of the first one (one daily
 * check fires one event per business, all at about the same time) become
 * one notification — one business: its alert in words; several: one line
 * per business — so a bad morning is one notification, not twenty.
 */
import type { AlertEventKind, AlertFired } from '../../shared';

const EVENT_WORDS: Record<AlertEventKind, string> = {
  'backup-failed': 'Backup failed',
  'backup-stale': 'Backup stale',
  'check-failed': 'Daily check failing',
  'drill-failed': 'Restore drill failed',
  test: 'Test alert',
};

export const BATCH_WINDOW_MS = 2_000;
const MAX_LINES = 4;
const BODY_CHARS = 400;

export interface NotificationText {
  title: string;
  body: string;
}

function deliveryNote(f: AlertFired): string {
  if (f.failed > 0 && f.delivered === 0) return ' — not delivered to any channel (see Alerts › Deliveries)';
  if (f.failed > 0) return ` — ${f.failed} deliveries failed`;
  if (f.delivered === 0) return ' — this business has no alert channel';
  return '';
}

export function formatAlertNotification(batch: readonly AlertFired[]): NotificationText {
  if (batch.length === 0) throw new Error('an empty batch has nothing to say');
  if (batch.length === 1) {
    const f = batch[0]!;
    const more = f.count > 1 ? ` (+${f.count - 1} more)` : '';
    return {
      title: `${EVENT_WORDS[f.event]} · ${f.businessName}`,
      body: `${f.headline}${more}${deliveryNote(f)}`.slice(0, BODY_CHARS),
    };
  }
  const total = batch.reduce((n, f) => n + f.count, 0);
  const lines = batch
    .slice(0, MAX_LINES)
    .map(
      (f) => `${f.businessName}: ${EVENT_WORDS[f.event].toLowerCase()}${f.count > 1 ? ` (${f.count})` : ''}`,
    );
  if (batch.length > MAX_LINES) lines.push(`+${batch.length - MAX_LINES} more businesses`);
  const undelivered = batch.filter((f) => f.delivered === 0 && f.failed > 0).length;
  if (undelivered > 0) lines.push(`${undelivered} not delivered to any channel`);
  return {
    title: `${total} alerts for ${batch.length} businesses`,
    body: lines.join('\n').slice(0, BODY_CHARS),
  };
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class AlertNotifier {
  private pending: AlertFired[] = [];
  private timer: unknown;
  private readonly timers: Timers;

  constructor(
    private readonly show: (text: NotificationText) => void,
    private readonly options: { windowMs?: number; timers?: Timers } = {},
  ) {
    this.timers = options.timers ?? REAL_TIMERS;
  }

  push(fired: AlertFired): void {
    this.pending.push(fired);
    if (this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => this.flush(), this.options.windowMs ?? BATCH_WINDOW_MS);
  }

  flush(): void {
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.show(formatAlertNotification(batch));
  }

  /** Drops what is pending (the app is quitting). */
  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
