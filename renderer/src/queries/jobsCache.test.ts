import { describe, expect, it } from 'vitest';
import type { JobLogLine, JobRecord } from '../../../shared';
import { appendLogLines, applyJobToList, jobMatchesFilter } from './jobsCache';

function job(p: Partial<JobRecord>): JobRecord {
  return {
    id: 'job-1',
    kind: 'fleet.check',
    target: 'fleet',
    title: 'Daily check',
    status: 'running',
    priority: 'manual',
    progress: {},
    counters: {},
    command: null,
    createdAt: '2025-03-10T08:00:00.000Z',
    startedAt: '2025-03-10T08:00:01.000Z',
    endedAt: null,
    exitCode: null,
    error: null,
    cancelRequested: false,
    logTotal: 0,
    logDropped: 0,
    ...p,
  };
}

describe('jobMatchesFilter', () => {
  it('checks status (one or several), kind and target', () => {
    const j = job({});
    expect(jobMatchesFilter(j, {})).toBe(true);
    expect(jobMatchesFilter(j, { status: 'running' })).toBe(true);
    expect(jobMatchesFilter(j, { status: ['queued', 'failed'] })).toBe(false);
    expect(jobMatchesFilter(j, { kind: 'restic.backup' })).toBe(false);
    expect(jobMatchesFilter(j, { target: 'fleet' })).toBe(true);
  });
});

describe('applyJobToList', () => {
  it('replaces a known job in place and keeps the array when nothing applies', () => {
    const list = [job({ id: 'a' }), job({ id: 'b', createdAt: '2025-03-10T07:00:00.000Z' })];
    const next = applyJobToList(list, job({ id: 'a', progress: { percent: 50 } }), {});
    expect(next).not.toBe(list);
    expect(next[0]?.progress.percent).toBe(50);
    expect(applyJobToList(list, job({ id: 'x', kind: 'other' }), { kind: 'fleet.check' })).toBe(list);
  });

  it('adds a new matching job newest first, within the limit', () => {
    const list = [job({ id: 'old', createdAt: '2025-03-09T00:00:00.000Z' })];
    const next = applyJobToList(list, job({ id: 'new' }), { limit: 1 });
    expect(next.map((j) => j.id)).toEqual(['new']);
  });

  it('drops a job that no longer matches the filter (running → succeeded under "running")', () => {
    const list = [job({ id: 'a' })];
    expect(applyJobToList(list, job({ id: 'a', status: 'succeeded' }), { status: 'running' })).toEqual([]);
  });

  it('never adds to a page of older history', () => {
    const list = [job({ id: 'a' })];
    expect(applyJobToList(list, job({ id: 'z' }), { before: 'a' })).toBe(list);
  });
});

describe('appendLogLines', () => {
  const line = (n: number): JobLogLine => ({
    n,
    at: '2025-03-10T08:00:00.000Z',
    stream: 'stdout',
    line: `line ${n}`,
  });

  it('appends new lines, skips repeats and keeps the tail', () => {
    const log = [line(0), line(1)];
    expect(appendLogLines(log, [line(1), line(2)]).map((l) => l.n)).toEqual([0, 1, 2]);
    expect(appendLogLines(log, [line(2), line(3)], 3).map((l) => l.n)).toEqual([1, 2, 3]);
    expect(appendLogLines(log, [])).toBe(log);
  });
});
