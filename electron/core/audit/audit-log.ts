/**
 * The audit log: who did what to which target, when, and how it ended.
 * Append-only — the `audit` table has triggers that abort any UPDATE or
 * DELETE — and exportable as CSV. Nothing secret goes in: detail keys
 * that name a secret are masked, and every text passes the redactor.
 */
import os from 'node:os';
import { z } from 'zod';
import { ConsoleError } from '../../../shared';
import { iso, type Clock } from '../store/common';
import type { Db } from '../store/db';
import { parseInput } from '../store/validation';
import { MASK, Redactor } from '../jobs/redact';
import { toCsv } from './csv';

export const AuditResultSchema = z.enum(['succeeded', 'failed', 'denied']);
export type AuditResult = z.infer<typeof AuditResultSchema>;

export const AuditActionSchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9._-]{0,63}$/, 'an action is a dotted name such as "hosts.add"');

export interface AuditInput {
  /** Default: the OS user running the console (desktop build). */
  actor?: string;
  action: string;
  target: string;
  result: AuditResult;
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  result: AuditResult;
  detail: Record<string, unknown> | null;
}

export const AuditFilterSchema = z
  .object({
    action: AuditActionSchema.optional(),
    /** Substring of the target. */
    target: z.string().max(512).optional(),
    actor: z.string().max(256).optional(),
    result: AuditResultSchema.optional(),
    /** ISO 8601, inclusive. */
    from: z.iso.datetime({ offset: true }).optional(),
    /** ISO 8601, exclusive. */
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.number().int().min(1).max(100_000).default(200),
    /** An entry id: list older entries (the last id of the previous page). */
    before: z.number().int().positive().optional(),
  })
  .strict();
export type AuditFilter = z.input<typeof AuditFilterSchema>;

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  result: AuditResult;
  detail: string | null;
}

/** Keys whose values are never recorded. */
const SECRET_KEY = /pass(word|phrase)?|secret|token|private|credential|api[-_]?key|^key$|authorization/i;
const MAX_DETAIL_JSON = 8192;

/** The OS user name, as the desktop build's actor. */
export function osActor(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

function cleanText(value: string, max: number, redactor: Redactor): string {
  const text = redactor.redact(value).replace(/[\p{Cc}\u2028\u2029]/gu, '\uFFFD');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function sanitize(value: unknown, redactor: Redactor, depth = 0): unknown {
  if (depth > 6) return '[nested too deep]';
  if (typeof value === 'string') return cleanText(value, 2000, redactor);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => sanitize(v, redactor, depth + 1));
  if (typeof value === 'object' && value !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>).slice(0, 100)) {
      out[cleanText(key, 100, redactor)] = SECRET_KEY.test(key) ? MASK : sanitize(v, redactor, depth + 1);
    }
    return out;
  }
  return undefined;
}

function toEntry(row: Row): AuditEntry {
  return {
    id: row.id,
    at: iso(row.at)!,
    actor: row.actor,
    action: row.action,
    target: row.target,
    result: row.result,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

export interface AuditLogOptions {
  /** Default actor (desktop: the OS user). */
  actor?: string;
  redactor?: Redactor;
  now?: Clock;
}

export class AuditLog {
  private readonly actor: string;
  private readonly redactor: Redactor;
  private readonly now: Clock;

  constructor(
    private readonly db: Db,
    options: AuditLogOptions = {},
  ) {
    this.actor = options.actor ?? osActor();
    this.redactor = options.redactor ?? new Redactor();
    this.now = options.now ?? Date.now;
  }

  record(input: AuditInput): AuditEntry {
    const action = parseInput(AuditActionSchema, input.action, 'Invalid audit action');
    const result = parseInput(AuditResultSchema, input.result, 'Invalid audit result');
    const actor = cleanText(input.actor ?? this.actor, 256, this.redactor) || 'unknown';
    const target = cleanText(String(input.target ?? ''), 512, this.redactor);
    let detail: string | null = null;
    if (input.detail !== undefined) {
      detail = JSON.stringify(sanitize(input.detail, this.redactor) ?? null);
      if (detail.length > MAX_DETAIL_JSON)
        detail = JSON.stringify({ truncated: true, preview: detail.slice(0, 1000) });
    }
    const info = this.db
      .prepare('INSERT INTO audit (at, actor, action, target, result, detail) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.now(), actor, action, target, result, detail);
    return this.get(Number(info.lastInsertRowid));
  }

  get(id: number): AuditEntry {
    const row = this.db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new ConsoleError('NOT_FOUND', `No audit entry ${id}.`);
    return toEntry(row);
  }

  /** Newest first. */
  list(filter: AuditFilter = {}): AuditEntry[] {
    const f = parseInput(AuditFilterSchema, filter, 'Invalid audit filter');
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (f.action !== undefined) {
      where.push('action = ?');
      params.push(f.action);
    }
    if (f.target !== undefined && f.target !== '') {
      where.push('instr(target, ?) > 0');
      params.push(f.target);
    }
    if (f.actor !== undefined) {
      where.push('actor = ?');
      params.push(f.actor);
    }
    if (f.result !== undefined) {
      where.push('result = ?');
      params.push(f.result);
    }
    if (f.from !== undefined) {
      where.push('at >= ?');
      params.push(Date.parse(f.from));
    }
    if (f.to !== undefined) {
      where.push('at < ?');
      params.push(Date.parse(f.to));
    }
    if (f.before !== undefined) {
      where.push('id < ?');
      params.push(f.before);
    }
    const sql = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, f.limit) as Row[]).map(toEntry);
  }

  /** The filtered entries as CSV (header row first; detail as JSON text). */
  exportCsv(filter: AuditFilter = {}): string {
    const entries = this.list({ limit: 100_000, ...filter });
    return toCsv([
      ['id', 'time', 'actor', 'action', 'target', 'result', 'detail'],
      ...entries.map((e) => [
        e.id,
        e.at,
        e.actor,
        e.action,
        e.target,
        e.result,
        e.detail === null ? '' : JSON.stringify(e.detail),
      ]),
    ]);
  }
}
