/**
 * restore-2g: a 2 GB, 20 000-file selection of a snapshot restored to
 * another host, through the console (`restore.start`, timed from the call
 * to the job's end) against the same `restic restore` typed by hand over
 * OpenSSH, alternating, in the same run.
 *
 * The repository is on a real MinIO on 127.0.0.1; the target is a real
 * sshd host on 127.0.0.x that reaches it; the snapshot was made on "this
 * machine" under another host name. The baseline runs exactly the argv the
 * console builds (restoreArgs for that restic version), with the password
 * and S3 keys on stdin as the console sends them. Each restore goes into a
 * fresh folder, removed (untimed) before the next.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createCore } from '../electron/core/app';
import { shellJoin } from '../electron/core/exec/shell-quote';
import { restoreArgs } from '../electron/core/restic/restore';
import { parseVersionOutput } from '../electron/core/restic/version';
import { FileSecretStore } from '../electron/core/secrets/file-secret-store';
import { secretNames } from '../electron/core/secrets/secret-store';
import type { Envelope, EventMessage, JobRecord } from '../shared';
import { startMinio } from '../tests/support/minio';
import { startSshHosts } from '../tests/support/sshd';
import { makeTempDir, removeTempDir } from '../tests/support/tmp';
import { median, ms, mustRun, type Row, type RowFamily } from './lib';

const FILES = 20_000;
const FILE_BYTES = 100_000; // 20 000 × 100 kB = 2 GB
const PASSWORD = 'bench-restore-2g';
const call = { origin: 'internal' as const };

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

/** 20 000 random (incompressible) files of 100 kB in 200 folders, written by Python (fast). */
async function writeSelection(root: string): Promise<void> {
  const script = [
    'import os, sys',
    'root, files, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])',
    'for i in range(files):',
    '    d = os.path.join(root, "part%03d" % (i // 100))',
    '    os.makedirs(d, exist_ok=True)',
    '    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f: f.write(os.urandom(size))',
  ].join('\n');
  await mustRun(['python3', '-c', script, root, String(FILES), String(FILE_BYTES)]);
}

export const restoreRows: RowFamily = {
  ids: ['restore-2g'],
  explanation: `
- **restore-2g** — \`restore.start\` through the core's dispatch (timed
  from the call to the job's end) restoring a 2 GB selection (20 000
  random 100 kB files; the snapshot also holds files outside it) of a
  snapshot in a real MinIO into a folder on a real sshd host on
  127.0.0.x, against the same \`restic restore\` run by hand with OpenSSH
  (the argv the console builds for that restic, password and S3 keys on
  stdin), alternating after a warm-up of each. The data set is made for
  each run (MinIO starts empty): about 2 GB in /tmp while it lasts.
`,
  async run(_wanted, { restic }) {
    const work = await makeTempDir('rfc-bench-restore-');
    process.stderr.write('restore-2g: starting MinIO and an sshd host, writing 2 GB and backing it up…\n');
    const minio = await startMinio();
    const fleet = await startSshHosts(1, { namePrefix: 'bench-restore', firstOctet: 150 });
    try {
      const host = fleet.hosts[0]!;
      const keys = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey };
      const location = `s3:${minio.endpoint}/bench-restore-2g`;
      const env = {
        ...process.env,
        ...keys,
        RESTIC_REPOSITORY: location,
        RESTIC_PASSWORD: PASSWORD,
        RESTIC_CACHE_DIR: path.join(work, 'cache'),
      };
      const source = path.join(work, 'srv');
      const selection = path.join(source, 'selection');
      await writeSelection(selection);
      await fs.mkdir(path.join(source, 'other'), { recursive: true });
      for (let i = 0; i < 100; i++)
        await fs.writeFile(path.join(source, 'other', `o${i}.txt`), `other ${i}\n`);
      await mustRun([restic.path, 'init', '-q'], env);
      await mustRun([restic.path, 'backup', '-q', '--host=origin-host', '--', source], env);
      await fs.rm(source, { recursive: true, force: true });
      const snapshotId = (
        JSON.parse(await mustRun([restic.path, 'snapshots', '--json', '--no-lock'], env)) as Array<{
          id: string;
        }>
      )[0]!.id;

      const dataDir = await makeTempDir('rfc-bench-restore-core-');
      const secrets = new FileSecretStore(path.join(dataDir, 'secrets'));
      const core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'bench',
        demo: false,
        resticBinary: restic.path,
        secrets,
        log: () => undefined,
      });
      try {
        const d = async <T>(method: string, input: unknown) =>
          value<T>(await core.dispatch(method, input, call));
        const added = await d<{ host: { id: string } }>('hosts.add', {
          host: {
            name: host.name,
            address: host.address,
            port: host.port,
            user: host.user,
            resticPath: restic.path,
          },
          key: { kind: 'paste', privateKey: host.privateKey },
        });
        const hostId = added.host.id;
        await d('hosts.pinKey', { id: hostId, fingerprint: host.hostKeyFingerprintSha256 });
        const repo = await d<{ id: string }>('repos.add', {
          name: 'restore-2g',
          location,
          hostId,
          password: PASSWORD,
          secretEnv: keys,
        });
        await secrets.set(secretNames.repoSecretEnv(repo.id), JSON.stringify(keys));

        const ended = new Map<string, () => void>();
        core.events.subscribe((m) => {
          if (m.event !== 'jobs.changed') return;
          const job = (m as EventMessage<'jobs.changed'>).payload.job;
          if (!['queued', 'running'].includes(job.status)) ended.get(job.id)?.();
        });
        const targetRoot = path.join(host.dataRoot, 'restores');
        await fs.mkdir(targetRoot, { recursive: true });
        let n = 0;
        const viaConsole = async (target: string): Promise<string> => {
          const started = await d<{ jobId: string; commands: string[] }>('restore.start', {
            repoId: repo.id,
            snapshotId,
            paths: [selection],
            target: { kind: 'path', hostId, path: target },
          });
          await new Promise<void>((resolve) => {
            ended.set(started.jobId, resolve);
            void d<{ job: JobRecord }>('jobs.get', { id: started.jobId }).then(({ job }) => {
              if (!['queued', 'running'].includes(job.status)) resolve();
            });
          });
          const { job } = await d<{ job: JobRecord }>('jobs.get', { id: started.jobId });
          if (job.status !== 'succeeded')
            throw new Error(`restore-2g: console restore ${job.status}: ${job.error?.message}`);
          return started.commands.join(' ; ');
        };
        const version = parseVersionOutput(await mustRun([restic.path, 'version']));
        if (!version) throw new Error('restore-2g: unreadable restic version');
        const knownHosts = path.join(work, 'known_hosts');
        await fs.writeFile(knownHosts, `[${host.address}]:${host.port} ${host.hostPublicKey}\n`);
        const byHand = async (target: string) => {
          const argv = [
            restic.path,
            ...restoreArgs({ snapshotId, target, includes: [selection], overwrite: 'always' }, version),
          ];
          const remote = `IFS= read -r RESTIC_PASSWORD; IFS= read -r AWS_ACCESS_KEY_ID; IFS= read -r AWS_SECRET_ACCESS_KEY; export RESTIC_PASSWORD AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY RESTIC_REPOSITORY=${shellJoin([location])}; exec ${shellJoin(argv)} >/dev/null`;
          await mustRun(
            [
              'sh',
              '-c',
              `printf '%s\\n%s\\n%s\\n' "$P" "$K" "$S" | ssh -q -T -i ${shellJoin([host.privateKeyPath])} -p ${host.port} -l ${host.user} -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${shellJoin([knownHosts])} ${host.address} ${shellJoin([remote])}`,
            ],
            { ...process.env, P: PASSWORD, K: keys.AWS_ACCESS_KEY_ID, S: keys.AWS_SECRET_ACCESS_KEY },
          );
          return argv;
        };
        const fresh = async () => {
          n += 1;
          const dir = path.join(targetRoot, `r${n}`);
          await fs.rm(dir, { recursive: true, force: true });
          return dir;
        };
        const checkRestored = async (dir: string) => {
          let count = 0;
          const root = path.join(dir, selection);
          for (const part of await fs.readdir(root))
            count += (await fs.readdir(path.join(root, part))).length;
          if (count !== FILES)
            throw new Error(`restore-2g: ${count} files restored into ${dir}, expected ${FILES}`);
          await fs.rm(dir, { recursive: true, force: true });
        };
        const runs = Number(process.env.RFC_BENCH_RESTORE_RUNS) || 3;
        const a: number[] = [];
        const b: number[] = [];
        let consoleCommand = '';
        let handArgv: string[] = [];
        for (let i = -1; i < runs; i++) {
          let dir = await fresh();
          let t = performance.now();
          consoleCommand = await viaConsole(dir);
          if (i >= 0) a.push(performance.now() - t);
          await checkRestored(dir);
          dir = await fresh();
          t = performance.now();
          handArgv = await byHand(dir);
          if (i >= 0) b.push(performance.now() - t);
          await checkRestored(dir);
          process.stderr.write(
            `restore-2g: run ${i + 1} console ${ms(a.at(-1) ?? NaN)}, by hand ${ms(b.at(-1) ?? NaN)}\n`,
          );
        }
        process.stderr.write(
          `restore-2g: console ran ${consoleCommand}\nrestore-2g: by hand ran ${shellJoin(handArgv)}\n`,
        );
        const row: Row = {
          id: 'restore-2g',
          console: ms(median(a)),
          baseline: ms(median(b)),
          ratio: median(a) / median(b),
          target: '≤ 1.1',
          limit: 1.1,
          note: `console ${a.map(ms).join(', ')}; by hand ${b.map(ms).join(', ')}`,
        };
        return [row];
      } finally {
        await core.close();
        await removeTempDir(dataDir);
      }
    } finally {
      await fleet.stopAll();
      await minio.dispose();
      await removeTempDir(work);
    }
  },
};
