/**
 * The alerts tables (schema/alerts.ts): channels without their secrets,
 * every delivery with its result, and the per-subject state the daily
 * check's alerting compares against. Secrets never reach these rows.
 */
import {
  AlertChannelSettingsSchema,
  ConsoleError,
  type AlertChannelKind,
  type AlertChannelSettings,
  type AlertDelivery,
  type AlertDeliveryResult,
  type AlertEventKind,
  type CheckStatus,
  type ErrorCode,
} from '../../../shared';
import { fromJson, iso, newId, notFound, type Clock } from '../store/common';
import type { Db } from '../store/db';

export interface AlertChannelRecord {
  id: string;
  businessId: string;
  businessName: string;
  name: string;
  kind: AlertChannelKind;
  enabled: boolean;
  settings: AlertChannelSettings;
  destination: string;
  createdAt: string;
  updatedAt: string;
}

interface ChannelRow {
  id: string;
  business_id: string;
  business_name: string;
  name: string;
  kind: AlertChannelKind;
  enabled: number;
  settings: string;
  destination: string;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow {
  id: number;
  at: number;
  channel_id: string;
  channel_name: string;
  channel_kind: AlertChannelKind;
  business_id: string | null;
  business_name: string | null;
  event: AlertEventKind;
  trigger: AlertDelivery['trigger'];
  summary: string;
  result: AlertDeliveryResult;
  http_status: number | null;
  reply: string | null;
  error_code: string | null;
  error_message: string | null;
  duration_ms: number;
}

export interface DeliveryInput {
  channelId: string;
  channelName: string;
  channelKind: AlertChannelKind;
  businessId: string | null;
  businessName: string | null;
  event: AlertEventKind;
  trigger: AlertDelivery['trigger'];
  summary: string;
  result: AlertDeliveryResult;
  httpStatus?: number;
  reply?: string;
  error?: { code: ErrorCode; message: string };
  durationMs: number;
}

export interface AlertStateRow {
  businessId: string;
  subject: string;
  status: CheckStatus;
  failingSince: number | null;
  lastAlertedAt: number | null;
  lastCheckId: string;
}

const CHANNEL_SELECT = `SELECT c.*, b.name AS business_name FROM alert_channels c JOIN businesses b ON b.id = c.business_id`;

function toChannel(row: ChannelRow): AlertChannelRecord {
  return {
    id: row.id,
    businessId: row.business_id,
    businessName: row.business_name,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled === 1,
    settings: AlertChannelSettingsSchema.parse({ ...fromJson<object>(row.settings, {}), kind: row.kind }),
    destination: row.destination,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

function toDelivery(row: DeliveryRow): AlertDelivery {
  return {
    id: row.id,
    at: iso(row.at)!,
    channelId: row.channel_id,
    channelName: row.channel_name,
    channelKind: row.channel_kind,
    businessId: row.business_id,
    businessName: row.business_name,
    event: row.event,
    trigger: row.trigger,
    summary: row.summary,
    result: row.result,
    ...(row.http_status !== null ? { httpStatus: row.http_status } : {}),
    ...(row.reply !== null ? { reply: row.reply } : {}),
    ...(row.error_code !== null
      ? { error: { code: row.error_code as ErrorCode, message: row.error_message ?? '' } }
      : {}),
    durationMs: row.duration_ms,
  };
}

export class AlertStore {
  constructor(
    private readonly db: Db,
    private readonly now: Clock = Date.now,
  ) {}

  // ---- channels

  listChannels(filter: { businessId?: string } = {}): AlertChannelRecord[] {
    const rows =
      filter.businessId !== undefined
        ? (this.db
            .prepare(`${CHANNEL_SELECT} WHERE c.business_id = ? ORDER BY b.name, c.name`)
            .all(filter.businessId) as ChannelRow[])
        : (this.db.prepare(`${CHANNEL_SELECT} ORDER BY b.name, c.name`).all() as ChannelRow[]);
    return rows.map(toChannel);
  }

  getChannel(id: string): AlertChannelRecord {
    const row = this.db.prepare(`${CHANNEL_SELECT} WHERE c.id = ?`).get(id) as ChannelRow | undefined;
    if (!row) throw notFound('alert channel', id);
    return toChannel(row);
  }

  addChannel(input: {
    businessId: string;
    name: string;
    enabled: boolean;
    settings: AlertChannelSettings;
    destination: string;
  }): AlertChannelRecord {
    const id = newId('alert');
    const at = this.now();
    const business = this.db.prepare('SELECT id FROM businesses WHERE id = ?').get(input.businessId);
    if (!business) throw notFound('business', input.businessId);
    this.assertNameFree(input.businessId, input.name);
    this.db
      .prepare(
        `INSERT INTO alert_channels (id, business_id, name, kind, enabled, settings, destination, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.businessId,
        input.name,
        input.settings.kind,
        input.enabled ? 1 : 0,
        JSON.stringify(input.settings),
        input.destination,
        at,
        at,
      );
    return this.getChannel(id);
  }

  updateChannel(
    id: string,
    patch: { name?: string; enabled?: boolean; settings?: AlertChannelSettings; destination?: string },
  ): AlertChannelRecord {
    const current = this.getChannel(id);
    if (patch.name !== undefined && patch.name.toLowerCase() !== current.name.toLowerCase())
      this.assertNameFree(current.businessId, patch.name);
    this.db
      .prepare(
        `UPDATE alert_channels SET name = ?, enabled = ?, settings = ?, destination = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        patch.name ?? current.name,
        (patch.enabled ?? current.enabled) ? 1 : 0,
        JSON.stringify(patch.settings ?? current.settings),
        patch.destination ?? current.destination,
        this.now(),
        id,
      );
    return this.getChannel(id);
  }

  removeChannel(id: string): void {
    this.getChannel(id);
    this.db.prepare('DELETE FROM alert_channels WHERE id = ?').run(id);
  }

  /** Channels removed (directly or with their business) whose secrets may still be stored. */
  removedChannelIds(): string[] {
    return (
      this.db.prepare('SELECT channel_id FROM alert_channels_removed').all() as { channel_id: string }[]
    ).map((r) => r.channel_id);
  }

  forgetRemoved(channelId: string): void {
    this.db.prepare('DELETE FROM alert_channels_removed WHERE channel_id = ?').run(channelId);
  }

  private assertNameFree(businessId: string, name: string): void {
    const taken = this.db
      .prepare('SELECT 1 FROM alert_channels WHERE business_id = ? AND lower(name) = lower(?)')
      .get(businessId, name);
    if (taken)
      throw new ConsoleError(
        'CONFLICT',
        `An alert channel with this name already exists for this business ("${name}").`,
      );
  }

  // ---- deliveries

  recordDelivery(input: DeliveryInput): AlertDelivery {
    const info = this.db
      .prepare(
        `INSERT INTO alert_deliveries (at, channel_id, channel_name, channel_kind, business_id, business_name, event,
                                       trigger, summary, result, http_status, reply, error_code, error_message, duration_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.now(),
        input.channelId,
        input.channelName,
        input.channelKind,
        input.businessId,
        input.businessName,
        input.event,
        input.trigger,
        input.summary.slice(0, 1000),
        input.result,
        input.httpStatus ?? null,
        input.reply?.slice(0, 1000) ?? null,
        input.error?.code ?? null,
        input.error?.message.slice(0, 1000) ?? null,
        Math.round(input.durationMs),
      );
    const row = this.db
      .prepare('SELECT * FROM alert_deliveries WHERE id = ?')
      .get(Number(info.lastInsertRowid)) as DeliveryRow;
    return toDelivery(row);
  }

  deliveries(
    filter: { businessId?: string; channelId?: string; result?: AlertDeliveryResult; limit?: number } = {},
  ): AlertDelivery[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.businessId !== undefined) {
      where.push('business_id = ?');
      args.push(filter.businessId);
    }
    if (filter.channelId !== undefined) {
      where.push('channel_id = ?');
      args.push(filter.channelId);
    }
    if (filter.result !== undefined) {
      where.push('result = ?');
      args.push(filter.result);
    }
    const limit = Math.min(Math.max(filter.limit ?? 200, 1), 1000);
    const sql = `SELECT * FROM alert_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as DeliveryRow[]).map(toDelivery);
  }

  /** The newest delivery of each channel, by channel id. */
  lastDeliveries(): Map<string, AlertDelivery> {
    const rows = this.db
      .prepare(
        `SELECT d.* FROM alert_deliveries d
           JOIN (SELECT channel_id, MAX(id) AS id FROM alert_deliveries GROUP BY channel_id) m ON m.id = d.id`,
      )
      .all() as DeliveryRow[];
    return new Map(rows.map((r) => [r.channel_id, toDelivery(r)]));
  }

  // ---- per-subject state for the daily check's alerting

  states(): AlertStateRow[] {
    return (
      this.db.prepare('SELECT * FROM alert_state').all() as {
        business_id: string;
        subject: string;
        status: CheckStatus;
        failing_since: number | null;
        last_alerted_at: number | null;
        last_check_id: string;
      }[]
    ).map((r) => ({
      businessId: r.business_id,
      subject: r.subject,
      status: r.status,
      failingSince: r.failing_since,
      lastAlertedAt: r.last_alerted_at,
      lastCheckId: r.last_check_id,
    }));
  }

  /** Replaces the whole state with what the latest check saw (subjects it no longer has are dropped). */
  replaceStates(rows: readonly AlertStateRow[]): void {
    const insert = this.db.prepare(
      `INSERT INTO alert_state (business_id, subject, status, failing_since, last_alerted_at, last_check_id)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM alert_state').run();
      for (const r of rows)
        insert.run(r.businessId, r.subject, r.status, r.failingSince, r.lastAlertedAt, r.lastCheckId);
    })();
  }
}
