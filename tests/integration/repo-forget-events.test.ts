/**
 * repos.forget with prune tells clients once that the repository changed:
 * one `invalidate` per scope when the whole job ends, none between forget
 * and prune (the page would refetch mid-prune and meet prune's exclusive
 * lock). Both real restic binaries.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, EventMessage, JobRecord } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };
const PASSWORD = 'forget-events-Secret-pw-1';

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

afterAll(cleanupTempDirs);

describe.each(resticBinaries())('repos.forget + prune events, restic $version', ({ path: restic }) => {
  let work: string;
  let core: Core;
  let repoId: string;
  const events: EventMessage[] = [];
  const env = () => ({
    ...process.env,
    RESTIC_REPOSITORY: path.join(work, 'repo'),
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_CACHE_DIR: path.join(work, 'cache'),
  });
  const raw = (args: string[]) => run(restic, args, { env: env() });

  beforeAll(async () => {
    work = await makeTempDir('rfc-forget-events-');
    const src = path.join(work, 'src');
    await fs.mkdir(src);
    await raw(['init']);
    for (let day = 1; day <= 3; day++) {
      // Each snapshot holds data of its own, so prune has something to remove.
      await fs.writeFile(path.join(src, 'data.bin'), Buffer.alloc(64 * 1024, day));
      await raw(['backup', '--quiet', '--host=h1', `--time=2026-11-0${day} 10:00:00`, src]);
    }
    core = await createCore({
      dataDir: await makeTempDir('rfc-forget-events-data-'),
      mode: 'serve',
      version: 'test',
      demo: false,
      resticBinary: restic,
      log: () => undefined,
    });
    core.events.subscribe((m) => events.push(m));
    repoId = value<{ id: string }>(
      await core.dispatch(
        'repos.add',
        { name: 'events-repo', location: path.join(work, 'repo'), hostId: 'local', password: PASSWORD },
        call,
      ),
    ).id;
  });
  afterAll(async () => {
    await core?.close();
  });

  it('emits one invalidate per scope, after prune, and none in between', async () => {
    events.length = 0;
    const started = value<{ jobId: string }>(
      await core.dispatch(
        'repos.forget',
        { id: repoId, policy: { keepLast: 1 }, prune: true, confirm: 'events-repo' },
        call,
      ),
    );
    const deadline = Date.now() + 100_000;
    let job: JobRecord;
    for (;;) {
      job = value<{ job: JobRecord }>(await core.dispatch('jobs.get', { id: started.jobId }, call)).job;
      if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) break;
      if (Date.now() > deadline) throw new Error(`job still ${job.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job.status).toBe('succeeded');
    expect(job.counters.snapshotsRemoved).toBe(2);

    const invalidations = events
      .map((e, index) => ({ e, index }))
      .filter(
        ({ e }) =>
          e.event === 'invalidate' &&
          (e as EventMessage<'invalidate'>).payload.repoId === repoId &&
          ['snapshots', 'repos'].includes((e as EventMessage<'invalidate'>).payload.scope),
      );
    expect(invalidations.map(({ e }) => (e as EventMessage<'invalidate'>).payload.scope).sort()).toEqual([
      'repos',
      'snapshots',
    ]);
    // Both come after the job said it was pruning (log lines are batched, so they are no marker).
    const pruning = events.findIndex(
      (e) =>
        e.event === 'jobs.changed' &&
        (e as EventMessage<'jobs.changed'>).payload.job.id === started.jobId &&
        (e as EventMessage<'jobs.changed'>).payload.job.progress?.message === 'pruning',
    );
    expect(pruning).toBeGreaterThanOrEqual(0);
    for (const { index } of invalidations) {
      expect(index).toBeGreaterThan(pruning);
    }
    // restic agrees: one snapshot left.
    expect(JSON.parse((await raw(['snapshots', '--json', '--no-lock'])).stdout)).toHaveLength(1);
  });
});
