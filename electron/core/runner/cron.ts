/**
 * Runner schedules: a 5-field cron expression (minute hour day-of-month
 * month day-of-week), as the plan's author writes it; a human-readable
 * preview (cronstrue), the next run times (cron-parser), and the systemd
 * OnCalendar lines that fire at exactly the same times.
 *
 * Why several OnCalendar lines: when both day-of-month and day-of-week are
 * restricted, cron fires when EITHER matches; systemd requires both. The
 * conversion then gives one line per alternative (a timer may have many).
 */
import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue/i18n';
import { ConsoleError } from '../../../shared';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const SYSTEMD_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const MACROS: Record<string, string> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value of the first name (JAN = 1, SUN = 0). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  // 7 is Sunday too, as in every cron.
  { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0 },
];

function bad(expr: string, why: string): ConsoleError {
  return new ConsoleError(
    'BAD_REQUEST',
    `"${expr}" is not a schedule: ${why}. Write 5 cron fields: minute hour day-of-month month day-of-week, e.g. "30 2 * * *" for 02:30 every day.`,
  );
}

function valueOf(token: string, spec: FieldSpec, expr: string): number {
  const upper = token.toUpperCase();
  if (spec.names) {
    const i = spec.names.indexOf(upper);
    if (i >= 0) return i + (spec.nameBase ?? 0);
  }
  if (!/^\d{1,2}$/.test(token)) throw bad(expr, `"${token}" is not a valid ${spec.name}`);
  const n = Number(token);
  if (n < spec.min || n > spec.max) throw bad(expr, `${spec.name} ${n} is outside ${spec.min}–${spec.max}`);
  return n;
}

/** The set of values a field allows, or null for "*" (every value). */
function expandField(field: string, spec: FieldSpec, expr: string): number[] | null {
  if (field === '*' || field === '?') return null;
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d{1,2}))?$/.exec(part);
    if (!m) throw bad(expr, `"${part}" in the ${spec.name} field is not understood`);
    const range = m[1]!;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw bad(expr, `a step must be at least 1 in the ${spec.name} field`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = spec.min;
      hi = spec.name === 'day of week' ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      lo = valueOf(a, spec, expr);
      hi = valueOf(b, spec, expr);
      if (lo > hi) throw bad(expr, `the range ${range} in the ${spec.name} field runs backwards`);
    } else {
      lo = valueOf(range, spec, expr);
      hi = m[2] === undefined ? lo : spec.name === 'day of week' ? 6 : spec.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(spec.name === 'day of week' && v === 7 ? 0 : v);
  }
  return [...out].sort((a, b) => a - b);
}

export interface ParsedCron {
  /** The 5 fields as written (macros replaced). */
  expression: string;
  fields: (number[] | null)[];
}

/** Validates a cron expression; throws BAD_REQUEST with the reason in words. */
export function parseCron(input: string): ParsedCron {
  const trimmed = input.trim().replace(/\s+/g, ' ');
  const expression = MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expression.length === 0) throw bad(input, 'it is empty');
  if (expression.length > 200) throw bad(input.slice(0, 40) + '…', 'it is too long');
  const parts = expression.split(' ');
  if (parts.length !== 5) throw bad(input, `it has ${parts.length} fields, not 5`);
  const fields = parts.map((p, i) => expandField(p, FIELDS[i]!, input));
  if (fields.some((f) => f !== null && f.length === 0)) throw bad(input, 'a field allows no value');
  return { expression, fields };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A systemd calendar component for minutes/hours/days/months: "*", "0/15" or a list. */
function calendarPart(field: string, values: number[] | null, spec: FieldSpec): string {
  if (values === null) return '*';
  const step = /^\*\/(\d+)$/.exec(field);
  if (step) return `${pad2(spec.min)}/${step[1]}`;
  return values.map(pad2).join(',');
}

/**
 * OnCalendar lines that fire exactly when the cron expression does (in
 * the host's local time zone, like cron). Checked against
 * `systemd-analyze calendar` in the tests.
 */
export function cronToOnCalendar(input: string): string[] {
  const { expression, fields } = parseCron(input);
  const raw = expression.split(' ');
  const [minute, hour, dom, month, dow] = fields;
  const time = `${calendarPart(raw[1]!, hour!, FIELDS[1]!)}:${calendarPart(raw[0]!, minute!, FIELDS[0]!)}:00`;
  const monthPart = calendarPart(raw[3]!, month!, FIELDS[3]!);
  const domPart = calendarPart(raw[2]!, dom!, FIELDS[2]!);
  const days = dow === null ? null : dow!.map((d) => SYSTEMD_DAYS[d]!).join(',');
  const line = (weekdays: string | null, dayOfMonth: string): string =>
    `${weekdays ? `${weekdays} ` : ''}*-${monthPart}-${dayOfMonth} ${time}`;
  if (dom !== null && days !== null) return [line(null, domPart), line(days, '*')];
  return [line(days, domPart)];
}

export type PreviewLocale = 'en' | 'zh-CN';

export interface SchedulePreview {
  /** The expression as it will be installed (macros such as @daily expanded). */
  cron: string;
  /** In words, in the asked language ("At 02:30 AM"). */
  description: string;
  /** The next run times, ISO 8601 UTC. */
  next: string[];
  /** The systemd timer's OnCalendar lines for the same times. */
  onCalendar: string[];
}

/**
 * The preview for the schedule field. `timeZone` is the host's (an IANA
 * name); the times are when cron on that host would fire.
 */
export function previewSchedule(
  input: string,
  options: { now?: Date; count?: number; locale?: PreviewLocale; timeZone?: string } = {},
): SchedulePreview {
  const { expression } = parseCron(input);
  const count = Math.min(Math.max(options.count ?? 5, 1), 50);
  let interval;
  try {
    interval = CronExpressionParser.parse(expression, {
      currentDate: options.now ?? new Date(),
      ...(options.timeZone ? { tz: options.timeZone } : {}),
    });
  } catch (error) {
    throw bad(input, error instanceof Error ? error.message : String(error));
  }
  const next: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const d = interval.next().toISOString();
    if (!d) break;
    next.push(d);
  }
  if (next.length === 0) throw bad(input, 'it never fires (a date that does not exist, such as 31 February)');
  const description = cronstrue.toString(expression, {
    locale: options.locale === 'zh-CN' ? 'zh_CN' : 'en',
    use24HourTimeFormat: true,
    throwExceptionOnParseError: false,
  });
  return { cron: expression, description, next, onCalendar: cronToOnCalendar(expression) };
}
