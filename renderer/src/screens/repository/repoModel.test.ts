import { describe, expect, it } from 'vitest';
import type { ForgetGroup, GrowthPoint, Snapshot } from '../../../../shared';
import {
  checkArgs,
  commandPrefix,
  forgetCommandFromPreview,
  formatAgeSeconds,
  growthChart,
  growthSeriesLabel,
  groupLabel,
  isRemoveAllRefusal,
  policyOf,
  previewRows,
  readDataOf,
  refusedGroups,
  RETENTION_DEFAULTS,
  thin,
  validateRetention,
  withArgs,
} from './repoModel';

const PREFIX = "RESTIC_REPOSITORY='/srv/a b' RESTIC_PASSWORD=*** /usr/bin/restic";

const snap = (id: string, time: string, extra: Partial<Snapshot> = {}): Snapshot => ({
  id,
  shortId: id.slice(0, 8),
  time,
  hostname: 'web-1',
  paths: ['/srv/app-data'],
  tags: [],
  ...extra,
});

describe('command previews', () => {
  it('takes the prefix from the page’s snapshots command and builds quoted lines from it', () => {
    expect(commandPrefix(`${PREFIX} snapshots --json --no-lock`)).toBe(PREFIX);
    expect(commandPrefix(`${PREFIX} snapshots --json`)).toBe(PREFIX);
    expect(commandPrefix('something else')).toBeNull();
    expect(commandPrefix(undefined)).toBeNull();
    expect(withArgs(PREFIX, ['unlock', '--remove-all'])).toBe(`${PREFIX} unlock --remove-all`);
    expect(withArgs(PREFIX, ['key', 'add', '--host=my host'])).toBe(`${PREFIX} key add '--host=my host'`);
    expect(withArgs(null, ['unlock'])).toBeUndefined();
  });

  it('mirrors restic check’s read-data options', () => {
    expect(checkArgs({ kind: 'none' })).toEqual(['check', '--json']);
    expect(checkArgs({ kind: 'all' })).toEqual(['check', '--json', '--read-data']);
    expect(checkArgs({ kind: 'fraction', n: 2, t: 7 })).toEqual([
      'check',
      '--json',
      '--read-data-subset=2/7',
    ]);
    expect(checkArgs({ kind: 'percent', percent: 12.5 })).toEqual([
      'check',
      '--json',
      '--read-data-subset=12.5%',
    ]);
    expect(checkArgs({ kind: 'size', size: '500M' })).toEqual(['check', '--json', '--read-data-subset=500M']);
  });

  it('turns the dry run into the forget command, with prune when asked', () => {
    const preview = `${PREFIX} forget --json --dry-run --keep-last=1`;
    expect(forgetCommandFromPreview(preview, false, PREFIX)).toBe(`${PREFIX} forget --json --keep-last=1`);
    expect(forgetCommandFromPreview(preview, true, PREFIX)).toBe(
      `${PREFIX} forget --json --keep-last=1 && ${PREFIX} prune`,
    );
  });
});

describe('check form', () => {
  const base = { kind: 'none' as const, n: 1, t: 10, percent: 5, size: '500M' };
  it('gives the contract’s read-data choice or field errors', () => {
    expect(readDataOf(base)).toEqual({ value: { kind: 'none' } });
    expect(readDataOf({ ...base, kind: 'fraction', n: 3, t: 10 })).toEqual({
      value: { kind: 'fraction', n: 3, t: 10 },
    });
    expect(readDataOf({ ...base, kind: 'fraction', n: 11, t: 10 })).toEqual({ errors: { n: 'groupOver' } });
    expect(readDataOf({ ...base, kind: 'fraction', n: '', t: 0 })).toEqual({
      errors: { n: 'group', t: 'groups' },
    });
    expect(readDataOf({ ...base, kind: 'percent', percent: 0 })).toEqual({ errors: { percent: 'percent' } });
    expect(readDataOf({ ...base, kind: 'percent', percent: 100 })).toEqual({
      value: { kind: 'percent', percent: 100 },
    });
    expect(readDataOf({ ...base, kind: 'size', size: ' 2g ' })).toEqual({
      value: { kind: 'size', size: '2G' },
    });
    expect(readDataOf({ ...base, kind: 'size', size: '0M' })).toEqual({ errors: { size: 'size' } });
    expect(readDataOf({ ...base, kind: 'size', size: '1.5G' })).toEqual({ errors: { size: 'size' } });
  });
});

describe('retention form', () => {
  it('builds the policy from the set fields only', () => {
    expect(policyOf(RETENTION_DEFAULTS)).toEqual({ keepDaily: 7, keepWeekly: 4, keepMonthly: 12 });
    expect(
      policyOf({
        ...RETENTION_DEFAULTS,
        keepDaily: '',
        keepWeekly: '',
        keepMonthly: '',
        keepWithin: ' 30d ',
        keepTags: ['gold'],
      }),
    ).toEqual({ keepWithin: '30d', keepTags: ['gold'] });
  });

  it('refuses a policy without a rule, bad counts, durations and tags', () => {
    const none = { ...RETENTION_DEFAULTS, keepDaily: '', keepWeekly: '', keepMonthly: '' };
    expect(validateRetention(none)).toEqual({ form: 'noRule' });
    expect(validateRetention({ ...RETENTION_DEFAULTS, keepLast: 0 })).toEqual({ keepLast: 'count' });
    expect(validateRetention({ ...RETENTION_DEFAULTS, keepLast: 1.5 })).toEqual({ keepLast: 'count' });
    expect(validateRetention({ ...RETENTION_DEFAULTS, keepWithin: '30 days' })).toEqual({
      keepWithin: 'within',
    });
    expect(validateRetention({ ...RETENTION_DEFAULTS, keepWithin: '1y6m' })).toEqual({});
    expect(validateRetention({ ...RETENTION_DEFAULTS, keepTags: ['a,b'] })).toEqual({ keepTags: 'tag' });
  });
});

describe('forget preview rows', () => {
  const groups: ForgetGroup[] = [
    {
      host: 'web-1',
      paths: ['/srv/app-data/'],
      keep: [
        { snapshot: snap('aaaa1111', '2026-01-03T00:00:00Z'), reasons: ['last snapshot', 'daily snapshot'] },
      ],
      remove: [{ snapshot: snap('bbbb2222', '2026-01-01T00:00:00Z'), reasons: [] }],
    },
    { host: 'db-1', paths: ['/var/dumps'], tags: ['plan:db'], keep: [], remove: [] },
  ];

  it('flattens groups into kept and removed rows with short group labels', () => {
    const rows = previewRows(groups);
    expect(rows.map((r) => [r.key, r.decision, r.groupLabel])).toEqual([
      ['0:aaaa1111', 'keep', 'web-1 · app-data'],
      ['0:bbbb2222', 'remove', 'web-1 · app-data'],
    ]);
    expect(rows[0]!.groupTitle).toBe('web-1 · /srv/app-data/');
    expect(rows[0]!.reasons).toEqual(['last snapshot', 'daily snapshot']);
    expect(groupLabel(groups[1]!)).toBe('db-1 · dumps · [plan:db]');
  });

  it('recognises the would-remove-all refusal and names its groups', () => {
    const error = {
      code: 'BAD_REQUEST',
      detail: { reason: 'would-remove-all', groups: [{ host: 'web-1', paths: ['/srv/x'], remove: 3 }] },
    };
    expect(isRemoveAllRefusal(error)).toBe(true);
    expect(isRemoveAllRefusal({ detail: { reason: 'confirmation' } })).toBe(false);
    expect(isRemoveAllRefusal(null)).toBe(false);
    expect(refusedGroups(error.detail)).toEqual([{ label: 'web-1 · x', remove: 3 }]);
    expect(refusedGroups(undefined)).toEqual([]);
  });
});

describe('growth chart', () => {
  const g = (id: string, time: string, host: string, size?: number, added?: number): GrowthPoint => ({
    time,
    snapshotId: id,
    hostname: host,
    ...(size !== undefined ? { totalBytesProcessed: size } : {}),
    ...(added !== undefined ? { dataAdded: added } : {}),
  });

  it('sums the data each snapshot added, in time order, with a size line per series', () => {
    const data = growthChart([
      g('c', '2026-01-03T00:00:00Z', 'web-1', 300, 50),
      g('a', '2026-01-01T00:00:00Z', 'web-1', 100, 100),
      g('b', '2026-01-02T00:00:00Z', 'db-1', 10, 10),
    ]);
    expect(data.hasSizes).toBe(true);
    expect(data.series).toEqual(['web-1', 'db-1']);
    expect(data.points.map((p) => [p.snapshotId, p.cumulativeAdded, p.count])).toEqual([
      ['a', 100, 1],
      ['b', 110, 2],
      ['c', 160, 3],
    ]);
    expect(data.points[0]!['size:web-1']).toBe(100);
    expect(data.points[1]!['size:web-1']).toBeUndefined();
    expect(data.points[1]!['size:db-1']).toBe(10);
  });

  it('says when snapshots carry no summary (restic < 0.17), and keeps at most n lines', () => {
    const data = growthChart(
      [g('a', '2026-01-01T00:00:00Z', 'h1'), g('b', '2026-01-02T00:00:00Z', 'h2'), g('c', 'bad', 'h3')],
      1,
    );
    expect(data.hasSizes).toBe(false);
    expect(data.points).toHaveLength(2);
    expect(data.series).toEqual(['h1']);
  });

  it('names a series by plan, else by host and the last part of its paths', () => {
    expect(growthSeriesLabel(snap('a', 't', { tags: ['daily', 'plan:app'] }), 'x')).toBe('web-1 · plan:app');
    expect(growthSeriesLabel(snap('a', 't', { paths: ['/srv/app-data/', '/etc'] }), 'x')).toBe(
      'web-1 · app-data, etc',
    );
    expect(growthSeriesLabel(undefined, 'web-9')).toBe('web-9');
  });
});

describe('lock ages', () => {
  it('reads like an ops person says it', () => {
    expect(formatAgeSeconds(null)).toBe('—');
    expect(formatAgeSeconds(42)).toBe('42 s');
    expect(formatAgeSeconds(720)).toBe('12 min');
    expect(formatAgeSeconds(3 * 3600 + 5 * 60)).toBe('3 h 05 min');
    expect(formatAgeSeconds(52 * 3600)).toBe('2 d 4 h');
  });
});

describe('thinning a long history', () => {
  it('keeps every k-th point and the last, and counts them all', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => i);
    const out = thin(many, 1500);
    expect(out.length).toBeLessThanOrEqual(1501);
    expect(out[0]).toBe(0);
    expect(out.at(-1)).toBe(9_999);
    expect(thin([1, 2, 3], 10)).toEqual([1, 2, 3]);
    const g = Array.from({ length: 3000 }, (_, i) => ({
      time: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      snapshotId: String(i),
      hostname: 'h',
      dataAdded: 1,
    }));
    const data = growthChart(g, 6, undefined, 1000);
    expect(data.total).toBe(3000);
    expect(data.points.length).toBeLessThanOrEqual(1001);
    expect(data.points.at(-1)!.cumulativeAdded).toBe(3000);
  });
});
