/**
 * snapshots.diffStream against both real restic binaries: the chunks,
 * joined in order, are exactly what snapshots.diff returns; the first
 * chunk leaves before restic ends; the limit truncates; an aborted call
 * stops restic.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffChange, Envelope, EventMessage } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { resticBinaries } from '../support/peers';
import { descendants } from '../support/procs';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const PASSWORD = 'diff-stream-Secret-pw-1';

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

afterAll(cleanupTempDirs);

describe.each(resticBinaries())('snapshots.diffStream, restic $version', ({ path: restic }) => {
  let work: string;
  let core: Core;
  let repoId: string;
  let ids: string[];
  const chunks: Array<EventMessage<'snapshots.diffChunk'>['payload']> = [];
  const env = () => ({
    ...process.env,
    RESTIC_REPOSITORY: path.join(work, 'repo'),
    RESTIC_PASSWORD: PASSWORD,
    RESTIC_CACHE_DIR: path.join(work, 'cache'),
  });
  const raw = (args: string[]) => run(restic, args, { env: env(), maxBuffer: 64 * 1024 * 1024 });

  beforeAll(async () => {
    work = await makeTempDir('rfc-diff-stream-');
    const src = path.join(work, 'src');
    for (let d = 0; d < 30; d++) {
      await fs.mkdir(path.join(src, `d${d}`), { recursive: true });
      for (let f = 0; f < 400; f++) await fs.writeFile(path.join(src, `d${d}`, `f${f}`), `one ${d} ${f}\n`);
    }
    await raw(['init']);
    await raw(['backup', '--quiet', '--host=h1', '--time=2026-11-01 10:00:00', src]);
    // 12 000 modified files, 400 removed, one added.
    for (let d = 0; d < 30; d++)
      for (let f = 0; f < 400; f++) await fs.writeFile(path.join(src, `d${d}`, `f${f}`), `two ${d} ${f}\n`);
    await fs.rm(path.join(src, 'd29'), { recursive: true });
    await fs.writeFile(path.join(src, 'new.txt'), 'new\n');
    await raw(['backup', '--quiet', '--host=h1', '--time=2026-11-02 10:00:00', src]);
    ids = (JSON.parse((await raw(['snapshots', '--json', '--no-lock'])).stdout) as Array<{ id: string }>).map(
      (s) => s.id,
    );
    core = await createCore({
      dataDir: await makeTempDir('rfc-diff-stream-data-'),
      mode: 'serve',
      version: 'test',
      demo: false,
      resticBinary: restic,
      log: () => undefined,
    });
    core.events.subscribe((m) => {
      if (m.event === 'snapshots.diffChunk') chunks.push((m as EventMessage<'snapshots.diffChunk'>).payload);
    });
    repoId = value<{ id: string }>(
      await core.dispatch(
        'repos.add',
        { name: 'stream-repo', location: path.join(work, 'repo'), hostId: 'local', password: PASSWORD },
        { origin: 'internal' },
      ),
    ).id;
  });
  afterAll(async () => {
    await core?.close();
  });

  it('streams in order exactly the changes snapshots.diff returns, with the same statistics', async () => {
    const whole = value<{ changes: DiffChange[]; stats?: unknown; truncated: boolean }>(
      await core.dispatch('snapshots.diff', { repoId, from: ids[0], to: ids[1] }, { origin: 'internal' }),
    );
    chunks.length = 0;
    let firstChunkBeforeReply = false;
    const streamId = 'stream-one-0001';
    const stop = core.events.subscribe((m) => {
      if (m.event === 'snapshots.diffChunk' && !replied) firstChunkBeforeReply = true;
    });
    let replied = false;
    const reply = value<{ count: number; truncated: boolean; stats?: unknown; command: string }>(
      await core.dispatch(
        'snapshots.diffStream',
        { repoId, from: ids[0], to: ids[1], streamId },
        { origin: 'internal' },
      ),
    );
    replied = true;
    stop();
    const mine = chunks.filter((c) => c.streamId === streamId);
    expect(mine.map((c) => c.seq)).toEqual(mine.map((_, i) => i));
    expect(mine.length).toBeGreaterThan(1);
    const streamed = mine.flatMap((c) => c.changes);
    expect(streamed).toEqual(whole.changes);
    expect(whole.changes.filter((c) => c.modifier === 'M').length).toBeGreaterThanOrEqual(11_600);
    expect(reply).toMatchObject({ count: whole.changes.length, truncated: false, stats: whole.stats });
    expect(reply.command).toMatch(/diff --json/);
    expect(reply.command).not.toContain(PASSWORD);
    expect(firstChunkBeforeReply).toBe(true);
  });

  it('a limit truncates the stream and says so', async () => {
    chunks.length = 0;
    const reply = value<{ count: number; truncated: boolean }>(
      await core.dispatch(
        'snapshots.diffStream',
        { repoId, from: ids[0], to: ids[1], streamId: 'stream-two-0002', limit: 1000 },
        { origin: 'internal' },
      ),
    );
    expect(reply).toMatchObject({ count: 1000, truncated: true });
    expect(chunks.flatMap((c) => c.changes)).toHaveLength(1000);
  });

  it('an aborted call stops restic', async () => {
    chunks.length = 0;
    const controller = new AbortController();
    const pending = core.dispatch(
      'snapshots.diffStream',
      { repoId, from: ids[0], to: ids[1], streamId: 'stream-three-0003' },
      { origin: 'internal', signal: controller.signal },
    );
    const resticRunning = () =>
      descendants(process.pid).some((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('diff');
        } catch {
          return false;
        }
      });
    const deadline = Date.now() + 20_000;
    while (!resticRunning() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const reply = await pending;
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('CANCELLED');
    const gone = Date.now() + 10_000;
    while (resticRunning() && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    expect(resticRunning()).toBe(false);
  });
});
