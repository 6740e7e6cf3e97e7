import { describe, expect, it } from 'vitest';
import { jobProgress, parseTarget } from './jobModel';

describe('jobProgress', () => {
  it('counts hosts for fleet jobs', () => {
    const p = jobProgress({ status: 'running', progress: {}, counters: { hostsDone: 3, hostsTotal: 7 } });
    expect(p).toMatchObject({ unit: 'hosts', done: 3, total: 7, numbers: '3 / 7' });
    expect(p.percent).toBeCloseTo(42.86, 1);
  });

  it('uses files, then bytes, and the job’s own percent first', () => {
    expect(
      jobProgress({
        status: 'running',
        progress: { percent: 10, filesDone: 1204, filesTotal: 5000 },
        counters: {},
      }),
    ).toMatchObject({ unit: 'files', numbers: '1,204 / 5,000', percent: 10 });
    expect(
      jobProgress({ status: 'running', progress: { bytesDone: 1024, bytesTotal: 4096 }, counters: {} }),
    ).toMatchObject({ unit: 'bytes', numbers: '1.00 KiB / 4.00 KiB', percent: 25 });
  });

  it('says nothing it does not know', () => {
    expect(jobProgress({ status: 'running', progress: {}, counters: {} })).toMatchObject({
      percent: null,
      unit: null,
      numbers: '',
    });
    expect(jobProgress({ status: 'succeeded', progress: {}, counters: {} }).percent).toBe(100);
  });
});

describe('parseTarget', () => {
  it('splits type and id at the first colon', () => {
    expect(parseTarget('repo:demo')).toEqual({ type: 'repo', id: 'demo' });
    expect(parseTarget('host:a:b')).toEqual({ type: 'host', id: 'a:b' });
    expect(parseTarget('fleet')).toEqual({ type: 'fleet', id: null });
  });
});
