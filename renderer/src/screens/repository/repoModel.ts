/**
 * Pure helpers for the repository page: command previews (the core's own
 * command line is shown once a job starts; before that, the same line built
 * from the page's `snapshots` command), retention form ↔ policy, the
 * growth chart's series, the forget preview as table rows. No React here.
 */
import type { CheckReadData, ForgetGroup, GrowthPoint, RetentionPolicy, Snapshot } from '../../../../shared';

// ------------------------------------------------------------ command lines

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX quoting, as the core quotes the command lines it shows. */
export function shellQuote(arg: string): string {
  if (arg.length > 0 && SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

const SNAPSHOTS_TAIL = / snapshots --json(?: --no-lock)?$/;

/**
 * `RESTIC_REPOSITORY=… RESTIC_PASSWORD=*** restic` from a `snapshots`
 * command the core showed (secrets already masked); null when the command
 * does not have the expected shape.
 */
export function commandPrefix(snapshotsCommand: string | undefined): string | null {
  if (!snapshotsCommand) return null;
  const m = SNAPSHOTS_TAIL.exec(snapshotsCommand);
  return m ? snapshotsCommand.slice(0, m.index) : null;
}

export function withArgs(prefix: string | null, args: readonly string[]): string | undefined {
  if (prefix === null) return undefined;
  return `${prefix} ${args.map(shellQuote).join(' ')}`;
}

/** restic check's read-data options for a choice (the core's readDataArgs). */
export function readDataArgs(choice: CheckReadData): string[] {
  switch (choice.kind) {
    case 'none':
      return [];
    case 'all':
      return ['--read-data'];
    case 'fraction':
      return [`--read-data-subset=${choice.n}/${choice.t}`];
    case 'percent':
      return [`--read-data-subset=${Number(choice.percent.toFixed(4))}%`];
    case 'size':
      return [`--read-data-subset=${choice.size}`];
  }
}

export function checkArgs(choice: CheckReadData): string[] {
  return ['check', '--json', ...readDataArgs(choice)];
}

/** The forget command a preview's dry run stands for (the same line without --dry-run). */
export function forgetCommandFromPreview(
  previewCommand: string,
  prune: boolean,
  prefix: string | null,
): string {
  const forget = previewCommand.replace(/ --dry-run(?= |$)/, '');
  const pruneLine = withArgs(prefix, ['prune']);
  return prune && pruneLine ? `${forget} && ${pruneLine}` : forget;
}

// ------------------------------------------------------------ check form

export type ReadDataKind = CheckReadData['kind'];

export interface CheckFormValues {
  kind: ReadDataKind;
  n: number | string;
  t: number | string;
  percent: number | string;
  /** e.g. "500M", "2G" */
  size: string;
}

export const CHECK_FORM_DEFAULTS: CheckFormValues = { kind: 'none', n: 1, t: 10, percent: 5, size: '500M' };

export type CheckFormErrors = Partial<Record<'n' | 't' | 'percent' | 'size', string>>;

/** The contract's CheckReadData for the form, or the field errors (message keys under repository.check.errors). */
export function readDataOf(v: CheckFormValues): { value: CheckReadData } | { errors: CheckFormErrors } {
  switch (v.kind) {
    case 'none':
    case 'all':
      return { value: { kind: v.kind } };
    case 'fraction': {
      const errors: CheckFormErrors = {};
      const n = typeof v.n === 'number' ? v.n : Number.NaN;
      const t = typeof v.t === 'number' ? v.t : Number.NaN;
      if (!Number.isInteger(t) || t < 1 || t > 1_000_000) errors.t = 'groups';
      if (!Number.isInteger(n) || n < 1 || n > 1_000_000) errors.n = 'group';
      else if (!errors.t && n > t) errors.n = 'groupOver';
      return Object.keys(errors).length ? { errors } : { value: { kind: 'fraction', n, t } };
    }
    case 'percent': {
      const p = typeof v.percent === 'number' ? v.percent : Number.NaN;
      if (!(p > 0 && p <= 100)) return { errors: { percent: 'percent' } };
      return { value: { kind: 'percent', percent: p } };
    }
    case 'size': {
      const size = v.size.trim().toUpperCase();
      if (!/^[1-9][0-9]{0,12}[KMGT]?$/.test(size)) return { errors: { size: 'size' } };
      return { value: { kind: 'size', size } };
    }
  }
}

// ------------------------------------------------------------ retention form

export const KEEP_COUNTS = [
  'keepLast',
  'keepHourly',
  'keepDaily',
  'keepWeekly',
  'keepMonthly',
  'keepYearly',
] as const;
export type KeepCount = (typeof KEEP_COUNTS)[number];

export interface RetentionFormValues {
  keepLast: number | string;
  keepHourly: number | string;
  keepDaily: number | string;
  keepWeekly: number | string;
  keepMonthly: number | string;
  keepYearly: number | string;
  keepWithin: string;
  keepTags: string[];
  /** restic --group-by: '' groups nothing; the default (restic's) is host,paths. */
  groupBy: string;
}

export const RETENTION_DEFAULTS: RetentionFormValues = {
  keepLast: '',
  keepHourly: '',
  keepDaily: 7,
  keepWeekly: 4,
  keepMonthly: 12,
  keepYearly: '',
  keepWithin: '',
  keepTags: [],
  groupBy: 'host,paths',
};

export const GROUP_BY_CHOICES = [
  'host,paths',
  'host',
  'paths',
  'tags',
  'host,tags',
  'host,paths,tags',
  '',
] as const;

export type RetentionErrors = Partial<Record<KeepCount | 'keepWithin' | 'keepTags' | 'form', string>>;

/** Field-level validation (message keys under repository.retention.errors); empty when valid. */
export function validateRetention(v: RetentionFormValues): RetentionErrors {
  const errors: RetentionErrors = {};
  for (const k of KEEP_COUNTS) {
    const value = v[k];
    if (value === '') continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1_000_000)
      errors[k] = 'count';
  }
  if (v.keepWithin.trim() && !/^(?:[0-9]{1,6}[ymdh]){1,4}$/.test(v.keepWithin.trim()))
    errors.keepWithin = 'within';
  if (v.keepTags.some((tag) => !tag || tag.length > 256 || /[,\p{Cc}]/u.test(tag))) errors.keepTags = 'tag';
  if (Object.keys(errors).length === 0 && policyOf(v) === null) errors.form = 'noRule';
  return errors;
}

/** The policy the form describes; null when it has no rule at all (restic would remove everything). */
export function policyOf(v: RetentionFormValues): RetentionPolicy | null {
  const policy: RetentionPolicy = {};
  for (const k of KEEP_COUNTS) {
    const value = v[k];
    if (typeof value === 'number' && Number.isFinite(value)) policy[k] = value;
  }
  if (v.keepWithin.trim()) policy.keepWithin = v.keepWithin.trim();
  if (v.keepTags.length) policy.keepTags = [...v.keepTags];
  return Object.keys(policy).length ? policy : null;
}

// ------------------------------------------------------------ forget preview rows

export interface PreviewRow {
  /** `${group index}:${snapshot id}` */
  key: string;
  groupIndex: number;
  groupLabel: string;
  /** The same with whole paths (hover). */
  groupTitle: string;
  decision: 'keep' | 'remove';
  snapshot: Snapshot;
  reasons: string[];
}

/** The last part of a path ("/srv/app-data/" → "app-data"). */
export function pathTail(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() || path;
}

/** A group in a few words: host · last part of each path · [tags]. */
export function groupLabel(g: Pick<ForgetGroup, 'host' | 'paths' | 'tags'>, full = false): string {
  const parts: string[] = [];
  if (g.host) parts.push(g.host);
  if (g.paths?.length) parts.push((full ? g.paths : g.paths.map(pathTail)).join(', '));
  if (g.tags?.length) parts.push(`[${g.tags.join(', ')}]`);
  return parts.join(' · ');
}

export function previewRows(groups: readonly ForgetGroup[]): PreviewRow[] {
  return groups.flatMap((g, i) => {
    const label = groupLabel(g);
    const title = groupLabel(g, true);
    const row = (decision: 'keep' | 'remove') => (e: { snapshot: Snapshot; reasons: string[] }) => ({
      key: `${i}:${e.snapshot.id}`,
      groupIndex: i,
      groupLabel: label,
      groupTitle: title,
      decision,
      snapshot: e.snapshot,
      reasons: e.reasons,
    });
    return [...g.keep.map(row('keep')), ...g.remove.map(row('remove'))];
  });
}

/** The groups named in a would-remove-all refusal's detail (the core sends them when it knows them). */
export function refusedGroups(detail: unknown): Array<{ label: string; remove: number }> {
  if (typeof detail !== 'object' || detail === null) return [];
  const groups = (detail as { groups?: unknown }).groups;
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((g) => {
    if (typeof g !== 'object' || g === null) return [];
    const { host, paths, tags, remove } = g as {
      host?: unknown;
      paths?: unknown;
      tags?: unknown;
      remove?: unknown;
    };
    const strings = (x: unknown) =>
      Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : [];
    return [
      {
        label: groupLabel({
          ...(typeof host === 'string' ? { host } : {}),
          paths: strings(paths),
          tags: strings(tags),
        }),
        remove: typeof remove === 'number' ? remove : 0,
      },
    ];
  });
}

export function isRemoveAllRefusal(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const detail = (error as { detail?: unknown }).detail;
  return (
    typeof detail === 'object' &&
    detail !== null &&
    (detail as { reason?: unknown }).reason === 'would-remove-all'
  );
}

// ------------------------------------------------------------ growth chart

export interface GrowthChartPoint {
  /** ms since epoch */
  t: number;
  snapshotId: string;
  hostname: string;
  /** This snapshot's backed-up size (summary.totalBytesProcessed). */
  size: number | null;
  /** New data this snapshot stored. */
  added: number | null;
  /** New data stored by every snapshot up to this one: how the repository grew. */
  cumulativeAdded: number;
  /** Snapshots so far (for repositories whose snapshots carry no summary). */
  count: number;
  /** Per-source size series: `size:<series>` → bytes (only on that series' points). */
  [series: `size:${string}`]: number | undefined;
}

export interface GrowthChartData {
  /** At most `maxPoints` (a long history is thinned, keeping the first and the last). */
  points: GrowthChartPoint[];
  /** How many snapshots the chart stands for. */
  total: number;
  /** The series with a line of their own (the most snapshots first). */
  series: string[];
  /** Whether any snapshot carried a summary (restic ≥ 0.17 writes one). */
  hasSizes: boolean;
}

/**
 * Every k-th point (and the last): the sums only grow, so the shape stays;
 * an SVG chart of 10 000 points would stall the page for a second.
 */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % step === 0);
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/**
 * What one line of the chart follows: the plan (`plan:<id>` tag) when the
 * snapshot has one, else its host and the last part of each path — one
 * backup source, so a small dump and a big tree are not drawn as one zigzag.
 */
export function growthSeriesLabel(
  s: Pick<Snapshot, 'hostname' | 'paths' | 'tags'> | undefined,
  hostname: string,
): string {
  if (!s) return hostname;
  const plan = s.tags.find((t) => t.startsWith('plan:') && t.length > 5);
  const tail = s.paths.map(pathTail).join(', ');
  return plan ? `${s.hostname} · ${plan}` : tail ? `${s.hostname} · ${tail}` : s.hostname;
}

export function growthChart(
  growth: readonly GrowthPoint[],
  maxSeries = 6,
  seriesOf: (g: GrowthPoint) => string = (g) => g.hostname,
  maxPoints = 1500,
): GrowthChartData {
  const sorted = [...growth]
    .map((g) => ({ g, t: Date.parse(g.time), key: seriesOf(g) }))
    .filter((x) => !Number.isNaN(x.t))
    .sort((a, b) => a.t - b.t);
  // The series with the most snapshots get their own line; the chart stays readable.
  const perSeries = new Map<string, number>();
  for (const { key } of sorted) perSeries.set(key, (perSeries.get(key) ?? 0) + 1);
  const series = [...perSeries.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, maxSeries)
    .map(([h]) => h);
  const shown = new Set(series);
  let cumulative = 0;
  let hasSizes = false;
  const points = sorted.map(({ g, t, key }, i) => {
    if (g.dataAdded !== undefined) cumulative += g.dataAdded;
    if (g.totalBytesProcessed !== undefined || g.dataAdded !== undefined) hasSizes = true;
    const point: GrowthChartPoint = {
      t,
      snapshotId: g.snapshotId,
      hostname: g.hostname,
      size: g.totalBytesProcessed ?? null,
      added: g.dataAdded ?? null,
      cumulativeAdded: cumulative,
      count: i + 1,
    };
    if (shown.has(key) && g.totalBytesProcessed !== undefined) point[`size:${key}`] = g.totalBytesProcessed;
    return point;
  });
  return { points: thin(points, maxPoints), total: points.length, series, hasSizes };
}

// ------------------------------------------------------------ locks

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h" from seconds. */
export function formatAgeSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
