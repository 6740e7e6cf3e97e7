/**
 * daily-check-fanout-20v1 and daily-check-vs-shell.
 *
 * 20 real sshd hosts on 127.0.0.x (tests/support/sshd.ts), each with a
 * small repository in its own data root, operated through that host. The
 * console (createCore, in this process) runs `fleet.dailyCheck` over all
 * 20, and, in a second console, over host 1 alone. The shell baseline does
 * the same remote calls per host — `uname -n`, `restic version --json`,
 * `restic list locks --no-lock`, `restic snapshots --json --no-lock` — with
 * `xargs -P <the check's concurrency> ssh …`: OpenSSH with the fixture key,
 * StrictHostKeyChecking=yes against a known_hosts written here, the
 * repository password on stdin (as the console sends it), and connection
 * reuse (ControlMaster/ControlPersist) to match the console's pool.
 * The three sides run alternately after a warm-up of each.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createCore } from '../electron/core/app';
import type { Core } from '../electron/core/core';
import { DEFAULT_CONCURRENCY } from '../electron/core/fleet/daily-check';
import type { Envelope, JobRecord } from '../shared';
import { descendants } from '../tests/support/procs';
import { startSshHosts, type SshHost, type SshHosts } from '../tests/support/sshd';
import { makeTempDir, removeTempDir } from '../tests/support/tmp';
import { median, ms, mustRun, runProcess, type Row, type RowFamily } from './lib';

const PASSWORD = 'bench-daily-check';
const call = { origin: 'internal' as const };

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

interface Console {
  core: Core;
  dataDir: string;
  hosts: number;
}

async function buildConsole(restic: string, hosts: SshHost[]): Promise<Console> {
  const dataDir = await makeTempDir('rfc-bench-check-');
  const core = await createCore({
    dataDir,
    mode: 'serve',
    version: 'bench',
    demo: false,
    resticBinary: restic,
    log: () => undefined,
  });
  const d = async <T>(method: string, input: unknown) => value<T>(await core.dispatch(method, input, call));
  const biz = await d<{ id: string }>('businesses.add', { name: 'bench', freshnessTargetHours: 26 });
  for (const h of hosts) {
    const added = await d<{ host: { id: string } }>('hosts.add', {
      host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: restic },
      key: { kind: 'paste', privateKey: h.privateKey },
    });
    await d('hosts.pinKey', { id: added.host.id, fingerprint: h.hostKeyFingerprintSha256 });
    const repo = await d<{ id: string }>('repos.add', {
      name: `${h.name}-repo`,
      location: path.join(h.dataRoot, 'repo'),
      hostId: added.host.id,
      businessId: biz.id,
      password: PASSWORD,
    });
    await d('plans.add', {
      name: `${h.name}-srv`,
      businessId: biz.id,
      hostId: added.host.id,
      repositoryId: repo.id,
      paths: [path.join(h.dataRoot, 'srv')],
    });
  }
  return { core, dataDir, hosts: hosts.length };
}

/** One daily check, start to finish (the job's end event). */
async function runCheck(c: Console): Promise<number> {
  const t = performance.now();
  const done = new Promise<JobRecord>((resolve) => {
    const off = c.core.events.subscribe((m) => {
      if (m.event !== 'jobs.changed') return;
      const job = (m.payload as { job: JobRecord }).job;
      if (
        job.kind === 'fleet.daily-check' &&
        ['succeeded', 'failed', 'cancelled', 'partial'].includes(job.status)
      ) {
        off();
        resolve(job);
      }
    });
  });
  value(await c.core.dispatch('fleet.dailyCheck', {}, call));
  const job = await done;
  const elapsed = performance.now() - t;
  if (job.status !== 'succeeded') throw new Error(`daily check ${job.status}: ${job.error?.message ?? ''}`);
  const check = value<{ check: { summary: Record<string, number> } }>(
    await c.core.dispatch('fleet.check', {}, call),
  );
  const { ok, warning, failing } = check.check.summary;
  // Every host: reachable, restic; its repository: opened, no locks, never verified (warning); its plan: fresh.
  if (ok !== 5 * c.hosts || warning !== c.hosts || failing !== 0)
    throw new Error(
      `unexpected check result over ${c.hosts} hosts: ${ok} ok, ${warning} warning, ${failing} failing`,
    );
  return elapsed;
}

/** The shell baseline: the same four remote calls per host, `xargs -P` hosts at once. */
async function writeShellBaseline(
  dir: string,
  restic: string,
  hosts: SshHost[],
  cacheDir: string,
): Promise<string[]> {
  const knownHosts = path.join(dir, 'known_hosts');
  await fs.writeFile(
    knownHosts,
    hosts.map((h) => `[${h.address}]:${h.port} ${h.hostPublicKey}`).join('\n') + '\n',
  );
  const control = path.join(dir, 'cm');
  await fs.mkdir(control, { recursive: true });
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const lines = hosts.map((h) =>
    [h.address, String(h.port), h.user, h.privateKeyPath, path.join(h.dataRoot, 'repo')].join(' '),
  );
  const list = path.join(dir, 'hosts.txt');
  await fs.writeFile(list, lines.join('\n') + '\n');
  // One host's check: the console's calls in the console's order; the password travels on stdin.
  const perHost = path.join(dir, 'check-host.sh');
  await fs.writeFile(
    perHost,
    `#!/bin/sh
set -e
addr=$1 port=$2 user=$3 key=$4 repo=$5
r() {
  printf '%s\\n' ${q(PASSWORD)} | ssh -q -T -i "$key" -p "$port" -l "$user" \\
    -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${q(knownHosts)} \\
    -o ControlMaster=auto -o ControlPath=${q(control)}/%C -o ControlPersist=60 \\
    "$addr" "IFS= read -r RESTIC_PASSWORD; export RESTIC_PASSWORD RESTIC_REPOSITORY='$repo' RESTIC_CACHE_DIR=${q(cacheDir)}; $*"
}
r uname -n >/dev/null
r ${q(restic)} version --json >/dev/null
r ${q(restic)} list locks --no-lock >/dev/null
r ${q(restic)} snapshots --json --no-lock >/dev/null
`,
    { mode: 0o755 },
  );
  return ['sh', '-c', `xargs -P ${DEFAULT_CONCURRENCY} -L 1 ${q(perHost)} < ${q(list)}`];
}

/**
 * CPU time (user + system, ms) of this process and everything under it:
 * the console, the sshd instances, their sessions and the restic they ran
 * (finished processes count in their parent's cutime/cstime once reaped).
 * Other work on the machine is not counted.
 */
async function treeCpuMs(): Promise<number> {
  let ticks = 0;
  for (const pid of [process.pid, ...descendants(process.pid)]) {
    try {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after "(comm)": state is field 3; utime..cstime are fields 14..17.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // Gone meanwhile: its parent counts it once reaped.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

export async function benchDailyCheck(
  restic: string,
  ids: Set<string>,
  runs = Number(process.env.RFC_BENCH_RUNS) || 5,
): Promise<Row[]> {
  const N = 20;
  let fleet: SshHosts | undefined;
  const consoles: Console[] = [];
  const work = await makeTempDir('rfc-bench-check-work-');
  try {
    process.stderr.write(`starting ${N} sshd hosts…\n`);
    fleet = await startSshHosts(N, { namePrefix: 'bench', firstOctet: 100 });
    // One small repository per host, in the host's data root: a template
    // (made once) copied 20 times, with one snapshot per host name.
    const template = path.join(work, 'template');
    const cache = path.join(work, 'cache');
    const env = {
      ...process.env,
      RESTIC_REPOSITORY: template,
      RESTIC_PASSWORD: PASSWORD,
      RESTIC_CACHE_DIR: cache,
    };
    await mustRun([restic, 'init', '-q'], env);
    for (const h of fleet.hosts) {
      const src = path.join(h.dataRoot, 'srv');
      await fs.mkdir(src, { recursive: true });
      await fs.writeFile(path.join(src, 'data.txt'), `${h.name}\n`);
      await mustRun([restic, 'backup', '-q', `--host=${h.name}`, src], env);
    }
    for (const h of fleet.hosts) await fs.cp(template, path.join(h.dataRoot, 'repo'), { recursive: true });

    process.stderr.write('adding the hosts to two consoles (20 hosts, 1 host)…\n');
    const c20 = await buildConsole(restic, fleet.hosts);
    const c1 = await buildConsole(restic, fleet.hosts.slice(0, 1));
    consoles.push(c20, c1);
    const shell = await writeShellBaseline(work, restic, fleet.hosts, path.join(c20.dataDir, 'restic-cache'));
    const runShell = async (): Promise<number> => {
      const t = performance.now();
      const r = await runProcess(shell);
      if (r.code !== 0) throw new Error(`shell baseline failed (${r.code}): ${r.stderr.slice(-800)}`);
      return performance.now() - t;
    };

    // Warm-up: connections pooled (console) and multiplexed (ssh), restic caches filled.
    await runCheck(c20);
    await runCheck(c1);
    await runShell();
    const t20: number[] = [];
    const t1: number[] = [];
    const tShell: number[] = [];
    let busy20 = 0;
    let self20 = 0;
    for (let i = 0; i < runs; i++) {
      const b = await treeCpuMs();
      const own = process.cpuUsage();
      t20.push(await runCheck(c20));
      const used = process.cpuUsage(own);
      self20 += (used.user + used.system) / 1000;
      busy20 += (await treeCpuMs()) - b;
      t1.push(await runCheck(c1));
      tShell.push(await runShell());
      process.stderr.write(
        `  run ${i + 1}/${runs}: 20 hosts ${ms(t20.at(-1)!)}, 1 host ${ms(t1.at(-1)!)}, shell ${ms(tShell.at(-1)!)}\n`,
      );
    }
    const m20 = median(t20);
    const m1 = median(t1);
    const mShell = median(tShell);
    const cores = (await fs.readFile('/proc/cpuinfo', 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('processor')).length;
    const cpuFloor = busy20 / runs / cores;
    process.stderr.write(
      `  20-host check: ${ms(busy20 / runs)} of CPU per run (the console process ${ms(self20 / runs)}, sshd and restic the rest) → at least ${ms(cpuFloor)} on ${cores} cores (${((cpuFloor / m20) * 100).toFixed(0)}% of its wall time)\n`,
    );
    const rows: Row[] = [];
    if (ids.has('daily-check-fanout-20v1'))
      rows.push({
        id: 'daily-check-fanout-20v1',
        console: ms(m20),
        baseline: ms(m1),
        ratio: m20 / m1,
        target: '≤ 3',
        limit: 3,
        note: `the 20-host check used ${ms(busy20 / runs)} of CPU (console, sshd, restic) per run: at least ${ms(cpuFloor)} on ${cores} cores, so on this machine the ratio cannot go below ${(cpuFloor / m1).toFixed(1)}`,
      });
    if (ids.has('daily-check-vs-shell'))
      rows.push({
        id: 'daily-check-vs-shell',
        console: ms(m20),
        baseline: ms(mShell),
        ratio: m20 / mShell,
        target: '≤ 1.3',
        limit: 1.3,
      });
    return rows;
  } finally {
    for (const c of consoles) await c.core.close();
    await fleet?.stopAll();
    await removeTempDir(work);
  }
}

export const dailyCheckRows: RowFamily = {
  ids: ['daily-check-fanout-20v1', 'daily-check-vs-shell'],
  explanation: `
- **daily-check-fanout-20v1** — \`fleet.dailyCheck\` (started through the
  core's dispatch, timed to the job's end event) over 20 real sshd hosts on
  127.0.0.x, each with a small repository in its own data root operated
  through that host (pooled SSH, pinned host keys), divided by the same
  check over one of those hosts; default concurrency (8 commands in flight,
  2 per host). Per host: \`uname -n\`, \`restic version --json\`, and for its
  repository \`restic list locks --no-lock\` and \`restic snapshots --json
  --no-lock\` side by side. All 20 "hosts" share this machine's cores, and
  every restic that opens a repository spends its scrypt key derivation
  (about 0.45 s of CPU here), so on a small machine this ratio measures
  CPU, not fan-out: the run notes the 20-host check's CPU floor (CPU time
  of the console, the sshd instances and every restic they ran, divided
  by the cores).
- **daily-check-vs-shell** — the same 20-host check divided by a shell
  doing the same remote calls per host with \`xargs -P 8\` and OpenSSH
  (fixture key, StrictHostKeyChecking=yes against a known_hosts written
  for the run, the password on stdin, ControlMaster/ControlPersist so
  connections are reused as the console's pool reuses them), measured in
  the same run, alternating with the console.
`,
  run: (wanted, { restic }) => benchDailyCheck(restic.path, new Set(wanted)),
};
