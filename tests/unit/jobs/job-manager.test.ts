import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import {
  INTERRUPTED_MESSAGE,
  JobManager,
  type JobContext,
  type JobManagerOptions,
} from '../../../electron/core/jobs/job-manager';
import { Redactor } from '../../../electron/core/jobs/redact';
import type { JobEvent } from '../../../electron/core/jobs/types';
import { DB_FILE_NAME, openDatabase, type Db } from '../../../electron/core/store/db';
import { cleanupTempDirs } from '../../support/tmp';
import { consoleError, filesContaining, tempDataDir } from '../store/fixtures';

afterAll(cleanupTempDirs);

let dir: string;
let db: Db;
let events: JobEvent[];
const managers: JobManager[] = [];

function manager(options: Partial<JobManagerOptions> = {}): JobManager {
  const m = new JobManager({ db, onEvent: (e) => events.push(e), progressIntervalMs: 50, ...options });
  managers.push(m);
  return m;
}

/** A promise with its resolve exposed: lets a test hold a job in "running". */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
  );

beforeEach(async () => {
  dir = await tempDataDir();
  db = openDatabase(path.join(dir, DB_FILE_NAME));
  events = [];
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close(200)));
  if (db.open) db.close();
});

describe('JobManager', () => {
  it('runs a job, persists each transition and emits created/updated', async () => {
    const m = manager();
    const job = m.submit({
      kind: 'backup',
      target: 'repo:demo',
      title: 'Back up /srv',
      command: 'restic backup /srv',
      run: async (ctx) => {
        ctx.progress({ percent: 50, filesDone: 1, filesTotal: 2 });
        ctx.count('errors', 0);
        ctx.log('first line\nsecond line\n');
        return { exitCode: 0 };
      },
    });
    expect(['queued', 'running']).toContain(job.status);
    const done = await m.wait(job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      error: null,
      command: 'restic backup /srv',
      progress: { percent: 50 },
      logTotal: 2,
    });
    expect(done.startedAt).not.toBeNull();
    expect(done.endedAt).not.toBeNull();

    expect(events[0]).toMatchObject({ type: 'created', job: { id: job.id, status: 'queued' } });
    const statuses = events
      .filter((e) => e.type === 'updated')
      .map((e) => (e.type === 'updated' ? e.job.status : ''));
    expect(statuses[0]).toBe('running');
    expect(statuses.at(-1)).toBe('succeeded');
    expect(
      events.some(
        (e) => e.type === 'log' && e.lines.map((l) => l.line).join('|') === 'first line|second line',
      ),
    ).toBe(true);

    // What a restarted console reads back from SQLite.
    const row = db.prepare('SELECT status, exit_code FROM jobs WHERE id = ?').get(job.id);
    expect(row).toEqual({ status: 'succeeded', exit_code: 0 });
    expect(m.log(job.id).map((l) => [l.n, l.line])).toEqual([
      [0, 'first line'],
      [1, 'second line'],
    ]);
  });

  it('starts manual jobs before queued bulk ones, FIFO within a priority', async () => {
    const m = manager({ concurrency: 1 });
    const order: string[] = [];
    const hold = gate();
    const job = (name: string, priority: 'manual' | 'bulk') =>
      m.submit({ kind: 'test', target: name, priority, run: async () => void order.push(name) });
    const blocker = m.submit({ kind: 'test', target: 'blocker', run: async () => hold.opened });
    const ids = [
      job('bulk-1', 'bulk'),
      job('bulk-2', 'bulk'),
      job('manual-1', 'manual'),
      job('bulk-3', 'bulk'),
      job('manual-2', 'manual'),
    ].map((j) => j.id);
    expect(m.get(ids[0]!).status).toBe('queued');
    hold.open();
    await Promise.all([blocker.id, ...ids].map((id) => m.wait(id)));
    expect(order).toEqual(['manual-1', 'manual-2', 'bulk-1', 'bulk-2', 'bulk-3']);
  });

  it('never runs more than `concurrency` jobs at once', async () => {
    const m = manager({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    const jobs = Array.from({ length: 6 }, (_, i) =>
      m.submit({
        kind: 'test',
        target: `t${i}`,
        priority: 'bulk',
        run: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 20));
          running--;
        },
      }),
    );
    await Promise.all(jobs.map((j) => m.wait(j.id)));
    expect(peak).toBe(2);
  });

  it('cancels a running job: the signal fires and the job ends cancelled', async () => {
    const m = manager();
    let signal: AbortSignal | undefined;
    const started = gate();
    const job = m.submit({
      kind: 'restore',
      target: 'repo:demo',
      run: async (ctx) => {
        signal = ctx.signal;
        started.open();
        return untilAborted(ctx.signal);
      },
    });
    await started.opened;
    const during = m.cancel(job.id);
    expect(during).toMatchObject({ status: 'running', cancelRequested: true });
    const done = await m.wait(job.id);
    expect(signal?.aborted).toBe(true);
    expect(done).toMatchObject({ status: 'cancelled', cancelRequested: false, error: { code: 'CANCELLED' } });
    expect(m.cancel(job.id).status).toBe('cancelled'); // idempotent on a finished job
    expect((await consoleError(() => m.cancel('job-nope'))).code).toBe('NOT_FOUND');
  });

  it('cancels a queued job without ever running it', async () => {
    const m = manager({ concurrency: 1 });
    const hold = gate();
    m.submit({ kind: 'test', target: 'blocker', run: () => hold.opened });
    let ran = false;
    const queued = m.submit({ kind: 'test', target: 'queued', run: async () => void (ran = true) });
    expect(m.cancel(queued.id)).toMatchObject({ status: 'cancelled', startedAt: null });
    hold.open();
    await m.wait(queued.id);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
  });

  it('classifies outcomes: ConsoleError code, partial, unexpected errors', async () => {
    const m = manager();
    const locked = m.submit({
      kind: 'check',
      target: 'r',
      run: async () => {
        throw new ConsoleError('REPO_LOCKED', 'repository is already locked by pid 42', { exitCode: 11 });
      },
    });
    const partial = m.submit({
      kind: 'backup',
      target: 'r',
      run: async () => {
        throw new ConsoleError('RESTIC_PARTIAL', 'some files could not be read', { exitCode: 3 });
      },
    });
    const partialOutcome = m.submit({
      kind: 'backup',
      target: 'r',
      run: async () => ({
        status: 'partial',
        exitCode: 3,
        error: { code: 'RESTIC_PARTIAL', message: '2 files skipped' },
      }),
    });
    const bug = m.submit({
      kind: 'test',
      target: 'r',
      run: () => {
        throw new TypeError('x is undefined');
      },
    });
    expect(await m.wait(locked.id)).toMatchObject({
      status: 'failed',
      exitCode: 11,
      error: { code: 'REPO_LOCKED', message: 'repository is already locked by pid 42' },
    });
    expect(await m.wait(partial.id)).toMatchObject({
      status: 'partial',
      exitCode: 3,
      error: { code: 'RESTIC_PARTIAL' },
    });
    expect(await m.wait(partialOutcome.id)).toMatchObject({
      status: 'partial',
      exitCode: 3,
      error: { code: 'RESTIC_PARTIAL', message: '2 files skipped' },
    });
    expect(await m.wait(bug.id)).toMatchObject({
      status: 'failed',
      exitCode: null,
      error: { code: 'INTERNAL', message: 'x is undefined' },
    });
  });

  it('marks jobs a crashed console left queued or running as failed', async () => {
    const file = path.join(dir, DB_FILE_NAME);
    const first = new JobManager({ db, concurrency: 1 }); // deliberately never closed: the "crash"
    const hung = first.submit({ kind: 'backup', target: 'r', run: () => new Promise(() => undefined) });
    const waiting = first.submit({ kind: 'backup', target: 'r2', run: async () => undefined });
    await new Promise((r) => setTimeout(r, 10));
    expect(first.get(hung.id).status).toBe('running');

    const db2 = openDatabase(file);
    try {
      const second = new JobManager({ db: db2 });
      expect([...second.recovered].sort()).toEqual([hung.id, waiting.id].sort());
      for (const id of [hung.id, waiting.id]) {
        expect(second.get(id)).toMatchObject({
          status: 'failed',
          error: { code: 'CANCELLED', message: INTERRUPTED_MESSAGE },
        });
        expect(second.get(id).endedAt).not.toBeNull();
      }
      await second.close(0);
    } finally {
      db2.close();
    }
  });

  it('keeps a bounded log: the newest N lines, each capped', async () => {
    const m = manager({ maxLogLines: 10, maxLineLength: 50 });
    const job = m.submit({
      kind: 'test',
      target: 'r',
      run: async (ctx) => {
        for (let i = 0; i < 100; i++) {
          ctx.log(`line ${i}`, i % 2 ? 'stderr' : 'stdout');
          if (i % 30 === 0) await new Promise((r) => setTimeout(r, 60)); // let some flushes happen mid-way
        }
        ctx.log('z'.repeat(5000));
      },
    });
    const done = await m.wait(job.id);
    expect(done.logTotal).toBe(101);
    expect(done.logDropped).toBe(91);
    const log = m.log(job.id);
    expect(log.map((l) => l.n)).toEqual([91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    expect(log[0]).toMatchObject({ line: 'line 91', stream: 'stderr' });
    expect(log.at(-1)!.line).toBe(`${'z'.repeat(50)}… [4950 more characters]`);
    const stored = db.prepare('SELECT COUNT(*) AS n FROM job_log').get() as { n: number };
    expect(stored.n).toBe(10);
    expect(m.log(job.id, { after: 98 }).map((l) => l.n)).toEqual([99, 100]);
  });

  it('never stores or emits a known secret', async () => {
    const global = new Redactor(['global-S3-KEY-abcdef']);
    const m = manager({ redactor: global });
    const jobSecret = 'repo-password-0123456789';
    const learned = 'learned-token-zyxwvu';
    const job = m.submit({
      kind: 'backup',
      target: 'repo:acme',
      secrets: [jobSecret],
      command: {
        argv: ['restic', '-r', '/srv/repo', 'backup', '/srv'],
        secretEnv: { RESTIC_PASSWORD: jobSecret },
      },
      run: async (ctx: JobContext) => {
        ctx.addSecret(learned);
        ctx.log(`password is ${jobSecret}`);
        ctx.log(`global-S3-KEY-abcdef and ${learned}`, 'stderr');
        ctx.log(JSON.stringify({ message_type: 'status', secret: jobSecret }), 'stdout');
        ctx.progress({ message: `using ${learned}` });
        throw new ConsoleError('REPO_WRONG_PASSWORD', `wrong password ${jobSecret}`);
      },
    });
    const done = await m.wait(job.id);
    expect(done.command).toBe('RESTIC_PASSWORD=*** restic -r /srv/repo backup /srv');
    expect(done.error?.message).toBe('wrong password ***');
    expect(done.progress.message).toBe('using ***');
    expect(m.log(job.id).map((l) => l.line)).toEqual([
      'password is ***',
      '*** and ***',
      '{"message_type":"status","secret":"***"}',
    ]);

    const everything = JSON.stringify(events);
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const secret of [jobSecret, learned, 'global-S3-KEY-abcdef']) {
      expect(everything).not.toContain(secret);
      expect(await filesContaining(dir, secret)).toEqual([]);
    }
  });

  it('throttles progress writes and events', async () => {
    const m = manager({ progressIntervalMs: 100 });
    let writes = 0;
    const job = m.submit({
      kind: 'backup',
      target: 'r',
      run: async (ctx) => {
        const end = Date.now() + 350;
        let i = 0;
        while (Date.now() < end) {
          ctx.progress({ percent: Math.min(100, i++ / 100), bytesDone: i });
          if (i % 500 === 0) await new Promise((r) => setImmediate(r));
        }
        ctx.progress({ percent: 100 });
      },
    });
    const onUpdate = events.length;
    const done = await m.wait(job.id);
    writes = events.slice(onUpdate).filter((e) => e.type === 'updated').length;
    expect(done.progress.percent).toBe(100);
    // ~350 ms at one write per 100 ms: running + ~4 progress + final; thousands of calls were made.
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(writes).toBeLessThanOrEqual(8);
  });

  it('lists with filters, newest first, and pages with `before`', async () => {
    const m = manager();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const j = m.submit({
        kind: i % 2 ? 'check' : 'backup',
        target: `repo:${i % 2}`,
        run: async () => {
          if (i === 4) throw new ConsoleError('REPO_LOCKED', 'locked');
        },
      });
      ids.push(j.id);
      await m.wait(j.id);
    }
    expect(m.list().map((j) => j.id)).toEqual([...ids].reverse());
    expect(m.list({ kind: 'check' }).map((j) => j.id)).toEqual([ids[3], ids[1]]);
    expect(m.list({ target: 'repo:0', status: 'failed' }).map((j) => j.id)).toEqual([ids[4]]);
    expect(m.list({ status: ['succeeded'], limit: 2 }).map((j) => j.id)).toEqual([ids[3], ids[2]]);
    expect(m.list({ before: ids[2], limit: 10 }).map((j) => j.id)).toEqual([ids[1], ids[0]]);
    expect((await consoleError(() => m.list({ kind: 'Not A Kind' }))).code).toBe('BAD_REQUEST');
    expect((await consoleError(() => m.get('job-nope'))).code).toBe('NOT_FOUND');
  });

  it('close() signals running jobs and refuses new ones', async () => {
    const m = manager();
    const started = gate();
    const job = m.submit({
      kind: 'test',
      target: 'r',
      run: async (ctx) => {
        started.open();
        return untilAborted(ctx.signal);
      },
    });
    await started.opened;
    await m.close(1000);
    expect(m.get(job.id).status).toBe('cancelled');
    expect(
      (await consoleError(() => m.submit({ kind: 'test', target: 'r', run: async () => undefined }))).code,
    ).toBe('CANCELLED');
  });

  it('rejects hostile kinds and targets', async () => {
    const m = manager();
    expect(
      (await consoleError(() => m.submit({ kind: '-rf', target: 'r', run: async () => undefined }))).code,
    ).toBe('BAD_REQUEST');
    expect(
      (await consoleError(() => m.submit({ kind: 'ok', target: 'a\nb', run: async () => undefined }))).code,
    ).toBe('BAD_REQUEST');
  });
});
