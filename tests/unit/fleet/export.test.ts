import { describe, expect, it } from 'vitest';
import { checkExportFilename, checkToCsv, checkToJson } from '../../../electron/core/fleet/export';
import type { DailyCheck } from '../../../shared';
import { item, shop, web1 } from './items';

const check: DailyCheck = {
  id: 'check-1',
  jobId: 'job-1',
  startedAt: '2026-11-21T08:00:00.000Z',
  endedAt: '2026-11-21T08:00:09.000Z',
  status: 'done',
  summary: { ok: 1, warning: 0, failing: 1 },
};

const items = [
  item({
    ...shop,
    ...web1,
    planId: 'p1',
    repositoryId: 'r1',
    item: 'freshness',
    status: 'failing',
    reason: 'last snapshot 31 h ago, target 26 h',
    data: { planName: 'web, daily', repositoryName: 'main' },
  }),
  item({ ...web1, item: 'reachable', status: 'ok', reason: '=HYPERLINK("http://x")' }),
];

describe('check export', () => {
  it('CSV: the columns, one row per item, RFC 4180 quoting and the formula guard', () => {
    const csv = checkToCsv(items);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('business,host,plan,repository,item,status,reason,at');
    expect(lines[1]).toBe(
      'shop,web-1,"web, daily",main,freshness,failing,"last snapshot 31 h ago, target 26 h",2026-11-21T08:00:00.000Z',
    );
    expect(lines[2]).toBe(`,web-1,,,reachable,ok,"'=HYPERLINK(""http://x"")",2026-11-21T08:00:00.000Z`);
    expect(lines[3]).toBe('');
    expect(lines).toHaveLength(4);
  });

  it('CSV falls back to ids when names are missing', () => {
    const csv = checkToCsv([
      item({
        businessId: 'biz-x',
        hostId: 'h1',
        planId: 'p9',
        repositoryId: 'r9',
        item: 'freshness',
        status: 'ok',
      }),
    ]);
    expect(csv.split('\r\n')[1]).toMatch(/^biz-x,h1,p9,r9,freshness,ok,/);
  });

  it('JSON is {check, items}', () => {
    const parsed = JSON.parse(checkToJson(check, items)) as { check: DailyCheck; items: unknown[] };
    expect(parsed.check).toEqual(check);
    expect(parsed.items).toEqual(items);
  });

  it('names the file after the start time', () => {
    expect(checkExportFilename(check, 'csv')).toBe('daily-check-2026-11-21-08-00-00.csv');
    expect(checkExportFilename(check, 'json')).toBe('daily-check-2026-11-21-08-00-00.json');
  });
});
