// The restore core through the real core (createCore + dispatch), for each
// restic (0.14.0 text, newest JSON): a MinIO repository both sshd hosts
// reach, a snapshot made on host 1, and restores into every kind of target
// — another folder on host 1, host 2 (cross-host), this machine, tar and
// zip archives, and in place with its safety snapshot and the undo back to
// the previous state byte for byte. Hostile and unicode names, overwrite
// policies, cancel (no restic left, no lock), a read-only target (partial
// with the files named), a host lost mid-restore, and the typed refusals.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, RestorePreview, RestoreRecord } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { startMinio, type MinioServer } from '../support/minio';
import { resticBinaries, type ResticBinary } from '../support/peers';
import { startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const execFileP = promisify(execFile);
const call = { origin: 'internal' as const };

// Names a shell, a glob or a line-based parser would get wrong.
const HOSTILE = [
  `it's "quoted"`,
  '$(touch PWNED-restore)',
  '`id`',
  'new\nline',
  '-leading-dash',
  '--target=oops',
  'back\\slash',
  'star*[x]?',
  'tab\there',
  'name: with colon',
  '日本語 ünïcödé 🙂',
];
/**
 * A path of about 3.5 KB (14 folders of 250 bytes): restored under a target
 * folder it stays below Linux's PATH_MAX of 4096 (beyond that restic reports
 * "file name too long" for it, which the result lists as a per-file error).
 */
const DEEP = Array.from({ length: 14 }, (_, i) => `${String(i).padStart(2, '0')}${'d'.repeat(248)}`);

async function value<T>(p: Promise<Envelope<unknown>>): Promise<T> {
  const reply = await p;
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

async function failure(p: Promise<Envelope<unknown>>): Promise<{ code: string; message: string; detail?: unknown }> {
  const reply = await p;
  if (reply.ok) throw new Error(`expected an error, got ${JSON.stringify(reply.value).slice(0, 500)}`);
  return reply.error;
}

interface TreeEntry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  sha256?: string;
}

/** Every entry under dir: relative path → type, permission bits, content hash. */
async function tree(dir: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const walk = async (rel: string): Promise<void> => {
    for (const d of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      const full = path.join(dir, r);
      const st = await fs.lstat(full);
      if (d.isDirectory()) {
        out.set(r, { type: 'dir', mode: st.mode & 0o7777 });
        await walk(r);
      } else if (d.isSymbolicLink()) out.set(r, { type: 'symlink', mode: 0, sha256: await fs.readlink(full) });
      else
        out.set(r, {
          type: 'file',
          mode: st.mode & 0o7777,
          sha256: createHash('sha256').update(await fs.readFile(full)).digest('hex'),
        });
    }
  };
  await walk('');
  return out;
}

function sorted(m: Map<string, TreeEntry>): [string, TreeEntry][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

let minio: MinioServer;
beforeAll(async () => {
  minio = await startMinio();
}, 120_000);
afterAll(async () => {
  await minio?.dispose();
  await cleanupTempDirs();
});

describe.each(resticBinaries().length > 1 ? [resticBinaries()[0]!, resticBinaries().at(-1)!] : resticBinaries())(
  'restore with restic $version',
  (bin: ResticBinary) => {
    const newer = !bin.version.startsWith('0.14.');
    let fleet: SshHosts;
    let core: Core;
    let secrets: FileSecretStore;
    const hostIds: string[] = [];
    const hostNames: string[] = [];
    let repoId: string;
    let snapshotId: string;
    let source: string;
    let resticEnv: Record<string, string>;
    let password: string;
    let coreDir: string;
    const immutable: string[] = [];

    const restic = (args: string[], env: Record<string, string> = {}) =>
      execFileP(bin.path, args, { env: { ...process.env, ...resticEnv, ...env }, maxBuffer: 64 * 1024 * 1024 });

    const waitJob = async (jobId: string, timeoutMs = 180_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { job } = await value<{ job: { status: string; error: { code: string; message: string } | null; progress: Record<string, unknown> } }>(
          core.dispatch('jobs.get', { id: jobId }, call),
        );
        if (!['queued', 'running'].includes(job.status)) return job;
        if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    const restoreRecord = (id: string) => value<RestoreRecord>(core.dispatch('restore.get', { id }, call));
    const start = (input: Record<string, unknown>) =>
      value<{ restoreId: string; jobId: string; commands: string[] }>(core.dispatch('restore.start', input, call));
    const runRestore = async (input: Record<string, unknown>) => {
      const started = await start(input);
      const job = await waitJob(started.jobId);
      return { ...started, job, record: await restoreRecord(started.restoreId) };
    };
    const lockCount = async () => (await restic(['list', 'locks', '--no-lock'])).stdout.split('\n').filter((l) => l.trim()).length;

    beforeAll(async () => {
      fleet = await startSshHosts(2, { namePrefix: `rst${bin.version.replace(/\./g, '')}`, firstOctet: newer ? 182 : 180 });
      const dataDir = await makeTempDir('rfc-restore-core-');
      coreDir = dataDir;
      secrets = new FileSecretStore(path.join(dataDir, 'secrets'));
      core = await createCore({ dataDir, mode: 'serve', version: 'test', demo: false, resticBinary: bin.path, secrets, log: () => undefined });
      for (const h of fleet.hosts) {
        const added = await value<{ host: { id: string } }>(
          core.dispatch(
            'hosts.add',
            { host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: bin.path }, key: { kind: 'paste', privateKey: h.privateKey } },
            call,
          ),
        );
        await value(core.dispatch('hosts.pinKey', { id: added.host.id, fingerprint: h.hostKeyFingerprintSha256 }, call));
        hostIds.push(added.host.id);
        hostNames.push(h.name);
      }
      password = `pw-${randomBytes(6).toString('hex')}`;
      const bucket = `restore-${bin.version.replace(/\./g, '-')}-${randomBytes(3).toString('hex')}`;
      const location = `s3:${minio.endpoint}/${bucket}`;
      const keys = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey };
      const repo = await value<{ id: string }>(
        core.dispatch('repos.add', { name: `restore-${bin.version}`, location, hostId: hostIds[0], password, init: true, secretEnv: keys }, call),
      );
      repoId = repo.id;
      // The S3 keys restic needs on every host, in the secret store (never in a row or an argv).
      await secrets.set(`repo:${repoId}:secret-env`, JSON.stringify(keys));
      resticEnv = { RESTIC_REPOSITORY: location, RESTIC_PASSWORD: password, ...keys, RESTIC_CACHE_DIR: path.join(dataDir, 'test-cache') };

      // Host 1's data: hostile names, a ~4 KB deep path, policy files, a folder to restore in place, a big file.
      source = path.join(fleet.hosts[0]!.dataRoot, 'srv');
      await fs.mkdir(path.join(source, 'hostile'), { recursive: true });
      for (const name of HOSTILE) await fs.writeFile(path.join(source, 'hostile', name), `content of ${name}\n`);
      await fs.mkdir(path.join(source, 'hostile', ...DEEP), { recursive: true });
      await fs.writeFile(path.join(source, 'hostile', ...DEEP, 'deep file'), 'at the bottom\n');
      await fs.mkdir(path.join(source, 'policy'));
      for (const f of ['same', 'changed', 'newer', 'missing']) {
        await fs.writeFile(path.join(source, 'policy', f), `snapshot ${f}\n`);
        await fs.utimes(path.join(source, 'policy', f), 1_700_000_000, 1_700_000_000);
      }
      await fs.mkdir(path.join(source, 'app', 'conf'), { recursive: true });
      await fs.writeFile(path.join(source, 'app', 'keep.txt'), 'original keep\n');
      await fs.writeFile(path.join(source, 'app', 'removed.txt'), 'will be removed, then restored\n');
      await fs.writeFile(path.join(source, 'app', 'conf', 'app.ini'), '[app]\nmode=prod\n');
      await fs.chmod(path.join(source, 'app', 'conf', 'app.ini'), 0o640);
      await fs.mkdir(path.join(source, 'gone', 'sub'), { recursive: true });
      await fs.writeFile(path.join(source, 'gone', 'sub', 'g.txt'), 'gone before the restore\n');
      await fs.mkdir(path.join(source, 'big'));
      await fs.writeFile(path.join(source, 'big', 'blob.bin'), randomBytes(12 * 1024 * 1024));
      await restic(['backup', '-q', `--host=${hostNames[0]}`, '--', source]);
      const snaps = JSON.parse((await restic(['snapshots', '--json'])).stdout) as { id: string }[];
      snapshotId = snaps[0]!.id;
    }, 400_000);

    afterAll(async () => {
      for (const p of immutable) await execFileP('chattr', ['-i', p]).catch(() => undefined);
      await core?.close();
      await fleet?.stopAll();
    });

    it('capabilities follow the host restic, with reasons', async () => {
      const caps = await value<RestorePreview['capabilities']>(core.dispatch('restore.capabilities', { hostId: hostIds[1] }, call));
      expect(caps.resticVersion).toBe(bin.version);
      expect(caps.dryRun.supported).toBe(newer);
      expect(caps.overwrite.supported).toBe(newer);
      expect(caps.verify.supported).toBe(true);
      if (!newer) expect(caps.delete.reason).toMatch(/0\.18\.0 or newer; this host has restic 0\.14\.0/);
    });

    it('another host (cross-host): preview counts, then hostile and unicode names restored intact', async () => {
      const target = path.join(fleet.hosts[1]!.dataRoot, 'restored');
      const request = { repoId, snapshotId, paths: [path.join(source, 'hostile')], target: { kind: 'path', hostId: hostIds[1], path: target } };
      const preview = await value<RestorePreview>(core.dispatch('restore.preview', request, call));
      expect(preview.method).toBe(newer ? 'dry-run' : 'listing');
      expect(preview.targetHost).toBe(hostNames[1]);
      expect(preview.totals.create.files).toBe(HOSTILE.length + 1);
      expect(preview.totals.overwrite.files).toBe(0);
      expect(preview.command).toContain('RESTIC_PASSWORD=***');
      expect(preview.command).not.toContain(password);
      expect(preview.command).not.toContain(minio.secretKey);
      expect(existsSync(target)).toBe(false);

      const { record, job } = await runRestore(request);
      expect(record.errors).toEqual([]);
      expect(job.status).toBe('succeeded');
      expect(record.status).toBe('succeeded');
      expect(record.targetHost).toBe(hostNames[1]);
      expect(record.errors).toEqual([]);
      expect(record.summary?.bytesRestored).toBeGreaterThan(0);
      expect(sorted(await tree(path.join(target, source, 'hostile')))).toEqual(sorted(await tree(path.join(source, 'hostile'))));
      expect(existsSync(path.join(homedir(), 'PWNED-restore'))).toBe(false);
      expect(JSON.stringify(record)).not.toContain(password);
      // The list shows it, newest first; nothing active is left.
      const list = await value<RestoreRecord[]>(core.dispatch('restore.list', {}, call));
      expect(list[0]!.id).toBe(record.id);
      expect(await value<RestoreRecord[]>(core.dispatch('restore.list', { active: true }, call))).toEqual([]);
    }, 300_000);

    it('another folder on the same host, with an unticked item left out', async () => {
      const target = path.join(fleet.hosts[0]!.dataRoot, 'elsewhere');
      const dropped = path.join(source, 'hostile', HOSTILE[0]!);
      const { record } = await runRestore({
        repoId,
        snapshotId,
        paths: [path.join(source, 'hostile')],
        excluded: [dropped],
        target: { kind: 'path', hostId: hostIds[0], path: target },
      });
      expect(record.status).toBe('succeeded');
      expect(record.excludedCount).toBe(1);
      const got = await tree(path.join(target, source, 'hostile'));
      const want = await tree(path.join(source, 'hostile'));
      want.delete(HOSTILE[0]!);
      expect(sorted(got)).toEqual(sorted(want));
    }, 300_000);

    it('this machine: a folder, verified', async () => {
      const target = await makeTempDir('rfc-restore-local-');
      const { record } = await runRestore({
        repoId,
        snapshotId,
        paths: [path.join(source, 'app')],
        target: { kind: 'path', hostId: 'local', path: target },
        options: { verify: true },
      });
      expect(record.status).toBe('succeeded');
      expect(record.commands.at(-1)).toContain('--verify');
      expect(record.targetHost).toBe('this machine');
      expect(sorted(await tree(path.join(target, source, 'app')))).toEqual(sorted(await tree(path.join(source, 'app'))));
    }, 300_000);

    it.each(['tar', 'zip'] as const)('this machine: a %s archive made by restic dump', async (format) => {
      const directory = await makeTempDir(`rfc-restore-${format}-`);
      const request = { repoId, snapshotId, paths: [path.join(source, 'hostile')], target: { kind: 'archive', format, directory } };
      const preview = await value<RestorePreview>(core.dispatch('restore.preview', request, call));
      expect(preview.method).toBe('archive');
      expect(preview.command).toMatch(new RegExp(`dump --archive=${format} -- ${snapshotId} \\S+/hostile > \\S+\\.${format}$`));
      const { record } = await runRestore(request);
      expect(record.status).toBe('succeeded');
      expect(record.archivePath).toMatch(new RegExp(`\\.${format}$`));
      const out = await makeTempDir('rfc-restore-unpack-');
      if (format === 'tar') await execFileP('tar', ['-xf', record.archivePath!, '-C', out]);
      else await execFileP('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', record.archivePath!, out]);
      // dump writes the folder's entries relative to the snapshot root.
      const unpacked = await tree(out);
      const want = await tree(path.join(source, 'hostile'));
      const prefix = [...unpacked.keys()].find((k) => k.endsWith(`/${HOSTILE[0]}`))?.slice(0, -HOSTILE[0]!.length - 1);
      expect(prefix).toBeDefined();
      const files = (m: Map<string, TreeEntry>, strip: string) =>
        [...m]
          .filter(([k, e]) => e.type === 'file' && k.startsWith(strip))
          .map(([k, e]) => [k.slice(strip.length), e.sha256])
          .sort();
      expect(files(unpacked, `${prefix}/`)).toEqual(files(want, ''));
    }, 300_000);

    it('overwrite policies over existing files', async () => {
      const base = path.join(fleet.hosts[1]!.dataRoot, 'policies');
      const prepare = async (name: string) => {
        const dir = path.join(base, name, source, 'policy');
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, 'same'), 'snapshot same\n');
        await fs.utimes(path.join(dir, 'same'), 1_700_000_000, 1_700_000_000);
        await fs.writeFile(path.join(dir, 'changed'), 'target changed (older)\n');
        await fs.utimes(path.join(dir, 'changed'), 1_600_000_000, 1_600_000_000);
        await fs.writeFile(path.join(dir, 'newer'), 'target newer\n');
        await fs.utimes(path.join(dir, 'newer'), 1_800_000_000, 1_800_000_000);
        return dir;
      };
      const request = (name: string, overwrite: string) => ({
        repoId,
        snapshotId,
        paths: [path.join(source, 'policy')],
        target: { kind: 'path', hostId: hostIds[1], path: path.join(base, name) },
        options: { overwrite },
      });
      if (!newer) {
        await prepare('never');
        const err = await failure(core.dispatch('restore.start', request('never', 'never'), call));
        expect(err.code).toBe('UNSUPPORTED');
        expect(err.message).toContain('0.17.0');
        const refusedPreview = await failure(core.dispatch('restore.preview', request('never', 'if-newer'), call));
        expect(refusedPreview.code).toBe('UNSUPPORTED');
        // 'always' is what 0.14 does.
        const dir = await prepare('always');
        const preview = await value<RestorePreview>(core.dispatch('restore.preview', request('always', 'always'), call));
        expect(preview.totals).toMatchObject({ create: { files: 1 }, overwrite: { files: 2 }, unchanged: { files: 1 } });
        const { record } = await runRestore(request('always', 'always'));
        expect(record.status).toBe('succeeded');
        for (const f of ['same', 'changed', 'newer', 'missing']) expect(await fs.readFile(path.join(dir, f), 'utf8')).toBe(`snapshot ${f}\n`);
        return;
      }
      const expected: Record<string, Record<string, string>> = {
        always: { same: 'snapshot same\n', changed: 'snapshot changed\n', newer: 'snapshot newer\n' },
        'if-changed': { same: 'snapshot same\n', changed: 'snapshot changed\n', newer: 'snapshot newer\n' },
        'if-newer': { same: 'snapshot same\n', changed: 'snapshot changed\n', newer: 'target newer\n' },
        never: { same: 'snapshot same\n', changed: 'target changed (older)\n', newer: 'target newer\n' },
      };
      for (const [policy, want] of Object.entries(expected)) {
        const dir = await prepare(policy);
        const preview = await value<RestorePreview>(core.dispatch('restore.preview', request(policy, policy), call));
        expect(preview.totals.create.files, policy).toBe(1);
        const { record } = await runRestore(request(policy, policy));
        expect(record.status, policy).toBe('succeeded');
        for (const [f, text] of Object.entries(want)) expect(await fs.readFile(path.join(dir, f), 'utf8'), `${policy} ${f}`).toBe(text);
        expect(await fs.readFile(path.join(dir, 'missing'), 'utf8')).toBe('snapshot missing\n');
        expect(record.commands.at(-1)).toContain(`--overwrite=${policy}`);
      }
    }, 400_000);

    it('in place: typed host name, safety snapshot, restore, then undo back to the previous state byte for byte', async () => {
      // The state now differs from the snapshot: a changed file, a removed one, an added one, a mode change, a folder gone.
      const app = path.join(source, 'app');
      await fs.writeFile(path.join(app, 'keep.txt'), 'edited after the backup\n');
      await fs.rm(path.join(app, 'removed.txt'));
      await fs.writeFile(path.join(app, 'added.txt'), 'new since the backup\n');
      await fs.chmod(path.join(app, 'conf', 'app.ini'), 0o600);
      await fs.rm(path.join(source, 'gone'), { recursive: true });
      const before = await tree(source);
      const request = {
        repoId,
        snapshotId,
        paths: [app, path.join(source, 'gone')],
        target: { kind: 'original', hostId: hostIds[0] },
        options: { overwrite: 'always', delete: newer },
      };

      const preview = await value<RestorePreview>(core.dispatch('restore.preview', request, call));
      expect(preview.safety).toEqual({ required: true, paths: [app], confirmName: hostNames[0] });
      if (newer) expect(preview.items).toContainEqual(expect.objectContaining({ action: 'delete', targetPath: path.join(app, 'added.txt') }));

      const refused = await failure(core.dispatch('restore.start', { ...request, confirm: 'not-the-host' }, call));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(await tree(source)).toEqual(before);

      const started = await start({ ...request, confirm: hostNames[0] });
      expect(started.commands[0]).toContain('--tag=rfc-safety');
      const job = await waitJob(started.jobId);
      const record = await restoreRecord(started.restoreId);
      expect(job.status).toBe('succeeded');
      expect(record.status).toBe('succeeded');
      expect(record.safetySnapshotId).toMatch(/^[0-9a-f]{64}$/);
      expect(record.affectedPaths?.sort()).toEqual([app, path.join(source, 'gone')].sort());
      const safety = JSON.parse((await restic(['snapshots', '--json', '--tag=rfc-safety'])).stdout) as { id: string; tags: string[]; paths: string[] }[];
      const mine = safety.find((s) => s.id === record.safetySnapshotId);
      expect(mine?.tags).toContain(`rfc-restore:${record.id}`);
      expect(mine?.paths).toEqual([app]);
      expect(await fs.readFile(path.join(app, 'keep.txt'), 'utf8')).toBe('original keep\n');
      expect(await fs.readFile(path.join(app, 'removed.txt'), 'utf8')).toBe('will be removed, then restored\n');
      expect(await fs.readFile(path.join(source, 'gone', 'sub', 'g.txt'), 'utf8')).toBe('gone before the restore\n');
      expect(existsSync(path.join(app, 'added.txt'))).toBe(!newer);

      const audit = await value<{ action: string; result: string }[]>(core.dispatch('audit.list', { action: 'restore.start' }, call));
      expect(audit.map((a) => a.result).sort()).toEqual(expect.arrayContaining(['failed', 'succeeded']));

      expect((await failure(core.dispatch('restore.undo', { id: record.id, confirm: 'nope' }, call))).code).toBe('BAD_REQUEST');
      const undo = await value<{ restoreId: string; jobId: string }>(core.dispatch('restore.undo', { id: record.id, confirm: hostNames[0] }, call));
      const undoJob = await waitJob(undo.jobId);
      expect(undoJob.status).toBe('succeeded');
      const undoRecord = await restoreRecord(undo.restoreId);
      expect(undoRecord.undoOf).toBe(record.id);
      expect((await restoreRecord(record.id)).undoneBy).toBe(undo.restoreId);
      // Byte for byte (content, names, modes) as before the restore.
      expect(sorted(await tree(source))).toEqual(sorted(before));
      expect((await failure(core.dispatch('restore.undo', { id: record.id, confirm: hostNames[0] }, call))).code).toBe('CONFLICT');
      const undoAudit = await value<{ action: string; result: string }[]>(core.dispatch('audit.list', { action: 'restore.undo' }, call));
      // The wrong confirmation and the second undo were refused; the undo itself succeeded.
      expect(undoAudit.map((a) => a.result).sort()).toEqual(['failed', 'failed', 'succeeded']);
    }, 400_000);

    it('a read-only target gives a partial result naming the files that failed', async () => {
      const target = path.join(fleet.hosts[1]!.dataRoot, 'readonly');
      const dir = path.join(target, source, 'policy');
      await fs.mkdir(dir, { recursive: true });
      for (const f of ['same', 'changed']) {
        await fs.writeFile(path.join(dir, f), 'locked content\n');
        await execFileP('chattr', ['+i', path.join(dir, f)]);
        immutable.push(path.join(dir, f));
      }
      const { record, job } = await runRestore({ repoId, snapshotId, paths: [path.join(source, 'policy')], target: { kind: 'path', hostId: hostIds[1], path: target } });
      expect(job.status).toBe('partial');
      expect(record.status).toBe('partial');
      expect(record.errors.map((e) => e.path).sort()).toEqual([path.join(source, 'policy', 'changed'), path.join(source, 'policy', 'same')]);
      expect(record.errors[0]!.message).toMatch(/operation not permitted/);
      // The rest made it.
      expect(await fs.readFile(path.join(dir, 'newer'), 'utf8')).toBe('snapshot newer\n');
      expect(await fs.readFile(path.join(dir, 'missing'), 'utf8')).toBe('snapshot missing\n');
    }, 300_000);

    it('cancel mid-restore leaves no restic process and no stale lock', async () => {
      const target = path.join(fleet.hosts[1]!.dataRoot, 'cancelled');
      const started = await start({
        repoId,
        snapshotId,
        paths: [path.join(source, 'big')],
        target: { kind: 'path', hostId: hostIds[1], path: target },
        options: { limitDownloadKiB: 256 },
      });
      // Wait until restic runs on the host.
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        const ps = (await execFileP('ps', ['-eo', 'pid,args'])).stdout;
        if (ps.includes(`--target=${target}`)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      // Live progress reaches the job (restic's status lines; 0.14: the bytes at the target, said to be an estimate).
      let progress: Record<string, unknown> = {};
      const seen = Date.now() + 30_000;
      while (Date.now() < seen) {
        const { job } = await value<{ job: { progress: Record<string, unknown> } }>(core.dispatch('jobs.get', { id: started.jobId }, call));
        progress = job.progress;
        // restic ≥ 0.16 knows the total at once (its bytes move a whole pack at a time); 0.14's estimate needs bytes written.
        if (typeof progress.bytesTotal === 'number' && typeof progress.percent === 'number' && (newer || (progress.bytesDone as number) > 0)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(progress.bytesTotal).toBeGreaterThanOrEqual(12 * 1024 * 1024);
      if (newer) expect(progress.percent as number).toBeGreaterThanOrEqual(0);
      else expect(progress.percent as number).toBeGreaterThan(0);
      expect(progress.percent as number).toBeLessThan(100);
      expect(String(progress.message)).toMatch(newer ? /restoring|\/s/ : /estimate from the bytes written at the target/);
      // The wizard re-attaches to what is still running.
      const active = await value<RestoreRecord[]>(core.dispatch('restore.list', { active: true }, call));
      expect(active.map((r) => [r.id, r.jobId, r.status])).toEqual([[started.restoreId, started.jobId, 'restoring']]);
      // A second restore writing the same place waits for this one.
      const overlap = await failure(
        core.dispatch('restore.start', { repoId, snapshotId, paths: [source], target: { kind: 'path', hostId: hostIds[1], path: target } }, call),
      );
      expect(overlap.code).toBe('CONFLICT');
      await value(core.dispatch('jobs.cancel', { id: started.jobId }, call));
      const job = await waitJob(started.jobId, 60_000);
      expect(job.status).toBe('cancelled');
      expect((await restoreRecord(started.restoreId)).status).toBe('cancelled');
      expect((await execFileP('ps', ['-eo', 'pid,args'])).stdout).not.toContain(`--target=${target}`);
      expect(await lockCount()).toBe(0);
    }, 300_000);

    it('typed refusals: unknown snapshot, local repository elsewhere, target not writable, wrong password, locked repository', async () => {
      const target = { kind: 'path', hostId: hostIds[1], path: path.join(fleet.hosts[1]!.dataRoot, 'x') };
      expect((await failure(core.dispatch('restore.preview', { repoId, snapshotId: 'deadbeef', target }, call))).code).toBe('SNAPSHOT_NOT_FOUND');
      // "/" as a folder would be an in-place restore without its safety snapshot.
      const rootRefused = await failure(core.dispatch('restore.start', { repoId, snapshotId, target: { ...target, path: '/' } }, call));
      expect(rootRefused.code).toBe('BAD_REQUEST');
      expect(rootRefused.message).toContain('original place');

      const localRepo = await makeTempDir('rfc-restore-localrepo-');
      const local = await value<{ id: string }>(
        core.dispatch('repos.add', { name: `local-${bin.version}`, location: path.join(localRepo, 'r'), hostId: 'local', password: 'x', init: true }, call),
      );
      const unsupported = await failure(core.dispatch('restore.preview', { repoId: local.id, snapshotId: 'abcd', target }, call));
      expect(unsupported.code).toBe('UNSUPPORTED');
      expect(unsupported.message).toContain('another machine');

      const walled = path.join(fleet.hosts[1]!.dataRoot, 'walled');
      await fs.mkdir(walled);
      await execFileP('chattr', ['+i', walled]);
      immutable.push(walled);
      const notWritable = await failure(
        core.dispatch('restore.start', { repoId, snapshotId, paths: [path.join(source, 'app')], target: { ...target, path: path.join(walled, 'in') } }, call),
      );
      expect(notWritable.code).toBe('TARGET_NOT_WRITABLE');

      const wrong = await value<{ id: string }>(
        core.dispatch('repos.add', { name: `wrong-${bin.version}`, location: resticEnv.RESTIC_REPOSITORY, hostId: hostIds[0], password, secretEnv: { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey } }, call),
      );
      await secrets.set(`repo:${wrong.id}:secret-env`, resticEnv.AWS_SECRET_ACCESS_KEY ? JSON.stringify({ AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey }) : '{}');
      await value(core.dispatch('repos.setPassword', { id: wrong.id, password: 'not-the-password' }, call));
      expect((await failure(core.dispatch('restore.preview', { repoId: wrong.id, snapshotId, target }, call))).code).toBe('REPO_WRONG_PASSWORD');

      // An exclusive lock: restic check reading all data slowly holds it while the restore tries.
      const check = spawn(bin.path, ['check', '--read-data', '--limit-download=32'], { env: { ...process.env, ...resticEnv }, stdio: 'ignore' });
      try {
        const until = Date.now() + 30_000;
        while ((await lockCount()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        expect(check.exitCode).toBeNull();
        const started = await start({ repoId, snapshotId, paths: [path.join(source, 'app')], target });
        const job = await waitJob(started.jobId);
        expect(job.status).toBe('failed');
        expect(job.error?.code).toBe('REPO_LOCKED');
        expect((await restoreRecord(started.restoreId)).error?.code).toBe('REPO_LOCKED');

        // In place under that lock: the safety snapshot cannot be made, so nothing is restored, and there is nothing to undo.
        const app = path.join(source, 'app');
        const before = await tree(app);
        const inPlace = await start({ repoId, snapshotId, paths: [app], target: { kind: 'original', hostId: hostIds[0] }, confirm: hostNames[0] });
        const inPlaceJob = await waitJob(inPlace.jobId);
        expect(inPlaceJob.status).toBe('failed');
        expect(inPlaceJob.error?.code).toBe('SAFETY_SNAPSHOT_FAILED');
        const inPlaceRecord = await restoreRecord(inPlace.restoreId);
        expect(inPlaceRecord.error?.code).toBe('SAFETY_SNAPSHOT_FAILED');
        expect(inPlaceRecord.safetySnapshotId).toBeUndefined();
        expect(inPlaceRecord.affectedPaths).toBeUndefined();
        expect(sorted(await tree(app))).toEqual(sorted(before));
        const noUndo = await failure(core.dispatch('restore.undo', { id: inPlace.restoreId, confirm: hostNames[0] }, call));
        expect(noUndo.code).toBe('BAD_REQUEST');
        expect(sorted(await tree(app))).toEqual(sorted(before));
      } finally {
        if (check.exitCode === null) {
          check.kill('SIGINT');
          await new Promise((r) => check.once('exit', r));
        }
      }
      await restic(['unlock']);
    }, 180_000);

    it('no secret in the database (restore records, jobs, audit)', async () => {
      const db = path.join(coreDir, 'console.db');
      let text = '';
      for (const f of [db, `${db}-wal`]) if (existsSync(f)) text += (await fs.readFile(f)).toString('latin1');
      expect(text).toContain('rfc-safety');
      expect(text).not.toContain(password);
      expect(text).not.toContain(minio.secretKey);
    });

    it('a target host lost mid-restore fails the job with the reason; then it is unreachable', async () => {
      const host = fleet.hosts[1]!;
      const target = path.join(host.dataRoot, 'lost');
      const started = await start({
        repoId,
        snapshotId,
        paths: [path.join(source, 'big')],
        target: { kind: 'path', hostId: hostIds[1], path: target },
        options: { limitDownloadKiB: 256 },
      });
      const until = Date.now() + 60_000;
      while (Date.now() < until) {
        if ((await restoreRecord(started.restoreId)).status === 'restoring') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1500));
      await host.stop();
      const job = await waitJob(started.jobId, 90_000);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('HOST_UNREACHABLE');
      const record = await restoreRecord(started.restoreId);
      expect(record.status).toBe('failed');
      expect(record.error?.code).toBe('HOST_UNREACHABLE');
      expect(record.error?.message.length).toBeGreaterThan(10);

      const refused = await failure(
        core.dispatch('restore.start', { repoId, snapshotId, paths: [path.join(source, 'app')], target: { kind: 'path', hostId: hostIds[1], path: target } }, call),
      );
      expect(refused.code).toBe('HOST_UNREACHABLE');
      await host.start();
      // Whatever restic the lost session left is gone with it; its lock is stale: unlock clears it.
      await restic(['unlock']);
    }, 180_000);
  },
);
