/**
 * A daily check as CSV (one row per item, RFC 4180 with the formula guard
 * of the audit export) or JSON ({check, items}). Pure.
 */
import type { DailyCheck, DailyCheckItem } from '../../../shared';
import { toCsv, type CsvCell } from '../audit/csv';

export const CHECK_CSV_COLUMNS = [
  'business',
  'host',
  'plan',
  'repository',
  'item',
  'status',
  'reason',
  'at',
] as const;

function text(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' ? v : undefined;
}

export function checkRows(items: readonly DailyCheckItem[]): CsvCell[][] {
  return items.map((i) => [
    i.businessName ?? i.businessId ?? '',
    i.hostName ?? i.hostId ?? '',
    text(i.data, 'planName') ?? i.planId ?? '',
    text(i.data, 'repositoryName') ?? i.repositoryId ?? '',
    i.item,
    i.status,
    i.reason,
    i.at,
  ]);
}

export function checkToCsv(items: readonly DailyCheckItem[]): string {
  return toCsv([[...CHECK_CSV_COLUMNS], ...checkRows(items)]);
}

export function checkToJson(check: DailyCheck, items: readonly DailyCheckItem[]): string {
  return `${JSON.stringify({ check, items }, null, 2)}\n`;
}

/** "daily-check-2026-11-21-04-29-14.csv", from the check's start (UTC). */
export function checkExportFilename(check: Pick<DailyCheck, 'startedAt'>, format: 'csv' | 'json'): string {
  const stamp = check.startedAt.slice(0, 19).replace(/[:T]/g, '-');
  return `daily-check-${stamp}.${format}`;
}
