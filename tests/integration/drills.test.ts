// Restore drills through the real core (createCore, dispatch), both restic
// versions, restic running on a real sshd host whose repository it
// operates: a drill started by the console's schedule and one by hand
// pass with hostile file names in the sample; a restored file changed
// between restore and hashing fails the drill with the file named; a
// repository whose data pack was damaged on disk fails the drill with
// restic's reason; the daily check shows pass and fail per repository;
// the scratch folder is gone after every drill.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { DailyCheckItem, DrillResult, DrillSchedule, Envelope, JobRecord } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import type { DrillHooks } from '../../electron/core/drills/run-drill';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const call = { origin: 'internal' as const };

async function reply(core: Core, method: string, input: unknown): Promise<Envelope<unknown>> {
  return core.dispatch(method, input, call);
}

async function dispatch<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await reply(core, method, input);
  if (!r.ok) throw new Error(`${method}: expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function waitForJob(core: Core, id: string, timeoutMs = 120_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await dispatch<{ job: JobRecord; log: { line: string }[] }>(core, 'jobs.get', { id });
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function drill(core: Core, id: string): Promise<DrillResult> {
  const all = await dispatch<DrillResult[]>(core, 'drills.list', { limit: 100 });
  const found = all.find((d) => d.id === id);
  if (!found) throw new Error(`drill ${id} not listed`);
  return found;
}

/** Names a careless shell or glob would break on. */
const HOSTILE = [
  'a*b.txt',
  '[x].txt',
  'q?.txt',
  'back\\slash',
  'new\nline',
  `it's "q" $(touch pwned)`,
  '-dash',
  ' lead space',
  '中文 ü.txt',
  'tab\there',
];

afterAll(async () => {
  await cleanupTempDirs();
});

for (const bin of resticBinaries()) {
  describe(`restore drills over SSH, restic ${bin.version}`, () => {
    let fleet: SshHosts | undefined;
    let core: Core | undefined;
    const hooks: DrillHooks = {};
    afterAll(async () => {
      await core?.close();
      await fleet?.stopAll();
    });

    it('a scheduled drill and one by hand pass with hostile names; a tampered copy and a damaged pack fail with their reasons; the board shows each; no scratch folder is left', async () => {
      const restic = bin.path;
      fleet = await startSshHosts(1, {
        namePrefix: `drill${bin.version.replace(/\./g, '')}`,
        firstOctet: bin.version === resticBinaries()[0]!.version ? 171 : 172,
      });
      const h = fleet.hosts[0]!;
      const dataDir = await makeTempDir('rfc-drill-core-');
      core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: () => undefined,
        // Hooks are read at each drill: the test switches them between drills.
        drills: {
          tickMs: 200,
          afterRestore: (info) => (hooks.afterRestore ? hooks.afterRestore(info) : Promise.resolve()),
        },
      });

      const biz = await dispatch<{ id: string }>(core, 'businesses.add', {
        name: 'acme',
        freshnessTargetHours: 26,
      });
      const added = await dispatch<{ host: { id: string } }>(core, 'hosts.add', {
        host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: restic },
        key: { kind: 'paste', privateKey: h.privateKey },
      });
      const hostId = added.host.id;
      await dispatch(core, 'hosts.pinKey', { id: hostId, fingerprint: h.hostKeyFingerprintSha256 });

      // The data: hostile names, nested folders, an empty file, a bigger random file.
      const source = path.join(h.dataRoot, 'srv');
      await fs.mkdir(path.join(source, 'deep', 'er'), { recursive: true });
      const files = new Map<string, Buffer>();
      for (const name of HOSTILE) files.set(path.join(source, name), Buffer.from(`content of ${name}\n`));
      files.set(path.join(source, 'deep', 'er', 'nested.bin'), randomBytes(300_000));
      files.set(path.join(source, 'deep', 'small.txt'), Buffer.from('small'));
      for (const [p, data] of files) await fs.writeFile(p, data);
      await fs.writeFile(path.join(source, 'empty'), '');
      const password = `drill-pass-${randomBytes(4).toString('hex')}`;
      const repoPath = path.join(h.dataRoot, 'repo');
      const repo = await dispatch<{ id: string }>(core, 'repos.add', {
        name: 'acme-main',
        location: repoPath,
        hostId,
        businessId: biz.id,
        password,
        init: true,
      });
      const env = {
        ...process.env,
        RESTIC_REPOSITORY: repoPath,
        RESTIC_PASSWORD: password,
        RESTIC_CACHE_DIR: path.join(h.dataRoot, '.cache'),
      };
      await run(restic, ['backup', '-q', `--host=${h.name}`, source], { env });

      const scratch = path.join(h.dataRoot, 'scratch');
      const leftovers = async () =>
        (await fs.readdir(scratch).catch(() => [] as string[])).filter((n) => n.startsWith('rfc-drill-'));

      // ---- the schedule: due at once (no drill yet), started by the console's timer
      const schedule = await dispatch<DrillSchedule>(core, 'drills.setSchedule', {
        businessId: biz.id,
        enabled: true,
        everyDays: 7,
        hostId,
        scratchPath: `${scratch}/`,
        sampleFiles: 50,
      });
      expect(schedule).toMatchObject({ scratchPath: scratch, everyDays: 7 });
      expect(Date.parse(schedule.nextRunAt!)).toBeLessThanOrEqual(Date.now());
      let scheduled: DrillResult | undefined;
      for (const deadline = Date.now() + 20_000; !scheduled && Date.now() < deadline;) {
        scheduled = (
          await dispatch<DrillResult[]>(core, 'drills.list', { businessId: biz.id, limit: 10 })
        )[0];
        if (!scheduled) await new Promise((r) => setTimeout(r, 100));
      }
      expect(scheduled, 'the timer started a drill').toBeDefined();
      expect(scheduled).toMatchObject({ trigger: 'schedule', repoId: repo.id, hostId });
      const scheduledJob = await waitForJob(core, scheduled!.jobId);
      const passedBySchedule = await drill(core, scheduled!.id);
      expect(passedBySchedule.status, JSON.stringify(passedBySchedule)).toBe('passed');
      expect(scheduledJob).toMatchObject({ kind: 'drill', status: 'succeeded', priority: 'bulk' });
      const after = (await dispatch<DrillSchedule[]>(core, 'drills.schedules', {}))[0]!;
      expect(Date.parse(after.nextRunAt!) - Date.parse(after.lastRunAt!)).toBe(7 * 86_400_000);

      // ---- by hand: every file (more wanted than there are), the empty one too
      const manual = await dispatch<{ drillId: string; jobId: string }>(core, 'drills.run', {
        repoId: repo.id,
        hostId,
        scratchPath: scratch,
        sampleFiles: 100,
      });
      const manualJob = await waitForJob(core, manual.jobId);
      const passed = await drill(core, manual.drillId);
      expect(passed.status, `${passed.reason} ${JSON.stringify(passed.mismatches)}`).toBe('passed');
      expect(manualJob.status).toBe('succeeded');
      expect(passed).toMatchObject({
        trigger: 'manual',
        filesChecked: files.size + 1,
        filesInSnapshot: files.size + 1,
        bytesChecked: [...files.values()].reduce((a, b) => a + b.length, 0),
        mismatches: [],
        hostName: h.name,
        repoName: 'acme-main',
      });
      expect(passed.commands!.some((c) => c.includes(' restore ') && c.includes('RESTIC_PASSWORD=***'))).toBe(
        true,
      );
      expect(JSON.stringify(passed)).not.toContain(password);
      expect(await leftovers()).toEqual([]);
      // The hostile name never ran as a command anywhere.
      await expect(fs.access(path.join(h.dataRoot, 'pwned'))).rejects.toThrow();
      await expect(fs.access('pwned')).rejects.toThrow();

      // A small sample is spread over the folders and prefers non-empty files.
      const three = await dispatch<{ drillId: string; jobId: string }>(core, 'drills.run', {
        repoId: repo.id,
        hostId,
        scratchPath: scratch,
        sampleFiles: 3,
      });
      await waitForJob(core, three.jobId);
      expect(await drill(core, three.drillId)).toMatchObject({ status: 'passed', filesChecked: 3 });

      let check = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
      await waitForJob(core, check.jobId);
      let items = (await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', { id: check.checkId }))
        .items;
      expect(items.filter((i) => i.item === 'drill')).toMatchObject([
        { status: 'ok', repositoryId: repo.id, businessId: biz.id },
      ]);
      expect(items.find((i) => i.item === 'drill')!.reason).toMatch(
        /^restore drill passed \d+ \w+ ago \(3 files identical on /,
      );

      // ---- a restored copy changed on the host after the restore, before hashing
      const victim = path.join(source, 'deep', 'er', 'nested.bin');
      hooks.afterRestore = async ({ runner, dir }) => {
        const proc = runner.start({ argv: ['sh', '-c', 'printf X >> "$1"', 'tamper', `${dir}${victim}`] });
        expect((await proc.exit).code).toBe(0);
      };
      const tampered = await dispatch<{ drillId: string; jobId: string }>(core, 'drills.run', {
        repoId: repo.id,
        hostId,
        scratchPath: scratch,
        sampleFiles: 100,
      });
      const tamperedJob = await waitForJob(core, tampered.jobId);
      hooks.afterRestore = undefined;
      const failed = await drill(core, tampered.drillId);
      expect(failed.status).toBe('failed');
      expect(failed.mismatches).toEqual([
        {
          path: victim,
          reason: expect.stringMatching(
            /^content differs from the snapshot \(sha256 restored [0-9a-f]{12}…, snapshot [0-9a-f]{12}…\)$/,
          ),
        },
      ]);
      expect(failed.reason).toContain(`1 of ${files.size + 1} sampled files`);
      expect(tamperedJob).toMatchObject({ status: 'failed', error: { code: 'VERIFY_FAILED' } });
      expect(await leftovers()).toEqual([]);

      check = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
      await waitForJob(core, check.jobId);
      items = (await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', { id: check.checkId })).items;
      const failing = items.find((i) => i.item === 'drill')!;
      expect(failing.status).toBe('failing');
      expect(failing.reason).toContain('last restore drill failed');
      expect(failing.reason).toContain(`${victim}: content differs`);

      // ---- a second repository whose data pack is damaged on disk
      const bigSource = path.join(h.dataRoot, 'big');
      await fs.mkdir(bigSource, { recursive: true });
      await fs.writeFile(path.join(bigSource, 'payload.bin'), randomBytes(2_000_000));
      const badPath = path.join(h.dataRoot, 'repo-bad');
      const bad = await dispatch<{ id: string }>(core, 'repos.add', {
        name: 'acme-bad',
        location: badPath,
        hostId,
        businessId: biz.id,
        password,
        init: true,
      });
      await run(restic, ['backup', '-q', `--host=${h.name}`, bigSource], {
        env: { ...env, RESTIC_REPOSITORY: badPath },
      });
      // The file's data is in the largest pack (trees are packed apart); flip bytes in its middle.
      const packs: { p: string; size: number }[] = [];
      for (const sub of await fs.readdir(path.join(badPath, 'data'))) {
        for (const f of await fs.readdir(path.join(badPath, 'data', sub))) {
          const p = path.join(badPath, 'data', sub, f);
          packs.push({ p, size: (await fs.stat(p)).size });
        }
      }
      const biggest = packs.sort((a, b) => b.size - a.size)[0]!;
      await fs.chmod(biggest.p, 0o600);
      const handle = await fs.open(biggest.p, 'r+');
      for (let at = 1000; at < biggest.size - 1000; at += 4096)
        await handle.write(Buffer.from([0x5a, 0xa5]), 0, 2, at);
      await handle.close();
      const damaged = await dispatch<{ drillId: string; jobId: string }>(core, 'drills.run', {
        repoId: bad.id,
        hostId,
        scratchPath: scratch,
        sampleFiles: 5,
      });
      const damagedJob = await waitForJob(core, damaged.jobId);
      const damagedDrill = await drill(core, damaged.drillId);
      expect(damagedDrill.status).toBe('failed');
      expect(damagedJob.status).toBe('failed');
      expect(damagedDrill.mismatches).toHaveLength(1);
      expect(damagedDrill.mismatches[0]!.path).toBe(path.join(bigSource, 'payload.bin'));
      // restic's own words: the damaged blob fails its authentication when read back.
      expect(damagedDrill.mismatches[0]!.reason).toMatch(/ciphertext verification failed/);
      expect(damagedDrill.reason).toContain('1 of 1 sampled files');
      expect(await leftovers()).toEqual([]);

      // ---- cancelled between the restore and the hashing: the scratch folder still goes
      let cancelledDir = '';
      let cancelJobId = '';
      hooks.afterRestore = async ({ dir }) => {
        cancelledDir = dir;
        expect((await fs.stat(dir)).isDirectory()).toBe(true);
        await dispatch(core!, 'jobs.cancel', { id: cancelJobId });
      };
      const toCancel = await dispatch<{ drillId: string; jobId: string }>(core, 'drills.run', {
        repoId: repo.id,
        hostId,
        scratchPath: scratch,
        sampleFiles: 4,
      });
      cancelJobId = toCancel.jobId;
      const cancelledJob = await waitForJob(core, toCancel.jobId);
      hooks.afterRestore = undefined;
      expect(cancelledJob.status).toBe('cancelled');
      expect(await drill(core, toCancel.drillId)).toMatchObject({ status: 'failed', reason: 'cancelled' });
      expect(cancelledDir).toContain(scratch);
      await expect(fs.access(cancelledDir)).rejects.toThrow();
      expect(await leftovers()).toEqual([]);

      // ---- only snapshots of a host that made none: failed with that reason, nothing restored
      const noHost = await dispatch<{ drillId: string; jobId: string }>(core, 'drills.run', {
        repoId: repo.id,
        hostId,
        scratchPath: scratch,
        sampleFiles: 1,
        snapshotHost: 'nobody-here',
      });
      expect((await waitForJob(core, noHost.jobId)).status).toBe('failed');
      expect(await drill(core, noHost.drillId)).toMatchObject({
        status: 'failed',
        reason: 'the repository has no snapshot made by host nobody-here',
      });

      // ---- refused before anything starts: "/" as scratch, a local repository from another host
      const root = await reply(core, 'drills.run', {
        repoId: repo.id,
        hostId,
        scratchPath: '/',
        sampleFiles: 1,
      });
      expect(root).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const elsewhere = await reply(core, 'drills.run', {
        repoId: repo.id,
        hostId: 'local',
        scratchPath: scratch,
        sampleFiles: 1,
      });
      expect(elsewhere).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

      // Audited, with outcomes.
      const audit = await dispatch<{ action: string; result: string }[]>(core, 'audit.list', {
        action: 'drills.run',
        limit: 50,
      });
      expect(audit.filter((a) => a.result === 'succeeded')).toHaveLength(3);
      expect(audit.filter((a) => a.result === 'failed')).toHaveLength(6);
      const scheduleAudit = await dispatch<{ action: string; result: string }[]>(core, 'audit.list', {
        action: 'drills.setSchedule',
      });
      expect(scheduleAudit).toMatchObject([{ result: 'succeeded' }]);
    });
  });
}
