/**
 * What a job record says about its progress, in numbers a table can show:
 * "3 / 7 hosts", "1,204 / 5,000 files", "1.20 GiB / 3.00 GiB". Pure.
 */
import { formatBytes, formatCount, TERMINAL_STATUSES, type JobRecord } from '../../../../shared';

export interface JobProgressView {
  /** 0–100, or null when the job has not said how far it is. */
  percent: number | null;
  done: number | null;
  total: number | null;
  unit: 'hosts' | 'files' | 'bytes' | 'items' | null;
  /** "3 / 7", "1.20 GiB / 3.00 GiB" (numbers only; the unit is translated by the caller). */
  numbers: string;
  message: string | null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function firstNumber(record: Record<string, number>, names: readonly string[]): number | null {
  for (const name of names) {
    const v = num(record[name]);
    if (v !== null) return v;
  }
  return null;
}

/** Counter names fleet-wide jobs use for hosts done / total. */
const HOSTS_DONE = ['hostsDone', 'hostsChecked', 'hosts_done', 'hostsFinished'];
const HOSTS_TOTAL = ['hostsTotal', 'hosts_total', 'hosts'];
const ITEMS_DONE = ['done', 'itemsDone', 'checked'];
const ITEMS_TOTAL = ['total', 'itemsTotal'];

export function jobProgress(job: Pick<JobRecord, 'progress' | 'counters' | 'status'>): JobProgressView {
  const p = job.progress;
  const message = p.message ?? null;
  let done: number | null = null;
  let total: number | null = null;
  let unit: JobProgressView['unit'] = null;
  let numbers = '';

  const hostsTotal = firstNumber(job.counters, HOSTS_TOTAL);
  const hostsDone = firstNumber(job.counters, HOSTS_DONE);
  const itemsTotal = firstNumber(job.counters, ITEMS_TOTAL);
  if (hostsTotal !== null || hostsDone !== null) {
    done = hostsDone ?? 0;
    // The daily check says "3/7 hosts checked" where its counters lack a total.
    const said = /^(\d+)\s*\/\s*(\d+)\s+hosts/.exec(message ?? '');
    total = hostsTotal ?? (said ? Number(said[2]) : null);
    unit = 'hosts';
  } else if (num(p.filesTotal) !== null || num(p.filesDone) !== null) {
    done = num(p.filesDone) ?? 0;
    total = num(p.filesTotal);
    unit = 'files';
  } else if (num(p.bytesTotal) !== null || num(p.bytesDone) !== null) {
    done = num(p.bytesDone) ?? 0;
    total = num(p.bytesTotal);
    unit = 'bytes';
  } else if (itemsTotal !== null) {
    done = firstNumber(job.counters, ITEMS_DONE) ?? 0;
    total = itemsTotal;
    unit = 'items';
  }

  if (unit === 'bytes') {
    numbers = total !== null ? `${formatBytes(done ?? 0)} / ${formatBytes(total)}` : formatBytes(done ?? 0);
  } else if (unit !== null) {
    numbers = total !== null ? `${formatCount(done ?? 0)} / ${formatCount(total)}` : formatCount(done ?? 0);
  }

  let percent = num(p.percent);
  if (percent === null && done !== null && total !== null && total > 0) percent = (done / total) * 100;
  if (percent === null && job.status === 'succeeded') percent = 100;
  if (percent !== null) percent = Math.max(0, Math.min(100, percent));
  return { percent, done, total, unit, numbers, message };
}

export function isActive(job: Pick<JobRecord, 'status'>): boolean {
  return !TERMINAL_STATUSES.has(job.status);
}

/** "repo:demo" → { type: 'repo', id: 'demo' }; "fleet" → { type: 'fleet', id: null }. */
export function parseTarget(target: string): { type: string; id: string | null } {
  const i = target.indexOf(':');
  if (i <= 0) return { type: target, id: null };
  return { type: target.slice(0, i), id: target.slice(i + 1) };
}
