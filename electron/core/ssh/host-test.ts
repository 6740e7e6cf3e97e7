/**
 * "Test connection": handshake, host key, authentication, OS, restic
 * version, free disk and clock skew, each a step with its result in words.
 * A failing step stops the steps that depend on it (no login without the
 * right host key; no commands without a login); steps that did not run are
 * not listed. Nothing is pinned or changed.
 */
import { ConsoleError, type HostTestReport } from '../../../shared';
import { ProgramNotFoundError, type ProcessRunner } from '../exec/process';
import { LOCAL_HOST_ID } from '../inventory/inventory';
import { Restic } from '../restic/restic';
import { endpointOf } from './errors';
import type { FleetRunners } from './fleet-runners';

type Step = HostTestReport['steps'][number];
type StepName = Step['step'];

/** Clocks further apart than this fail the test: S3 signatures and lock ages go wrong with skew. */
export const MAX_CLOCK_SKEW_SECONDS = 60;
const OUTPUT_LIMIT = 64 * 1024;

interface Captured {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs a short command to completion, output bounded. */
export async function capture(
  runner: ProcessRunner,
  argv: string[],
  signal?: AbortSignal,
): Promise<Captured> {
  let proc;
  try {
    proc = runner.start({ argv, ...(signal ? { signal } : {}) });
  } catch (err) {
    if (err instanceof ProgramNotFoundError) throw notFound(argv[0] ?? '', runner);
    throw err;
  }
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => {
    if (stdout.length < OUTPUT_LIMIT) stdout += d.toString('utf8');
  });
  proc.stderr.on('data', (d: Buffer) => {
    if (stderr.length < OUTPUT_LIMIT) stderr += d.toString('utf8');
  });
  try {
    const exit = await proc.exit;
    return { code: exit.code, signal: exit.signal, stdout, stderr };
  } catch (err) {
    if (err instanceof ProgramNotFoundError) throw notFound(argv[0] ?? '', runner);
    throw err;
  }
}

function notFound(program: string, runner: ProcessRunner): ConsoleError {
  return new ConsoleError(
    'NOT_FOUND',
    `"${program}" is not installed on ${runner.target === LOCAL_HOST_ID ? 'this machine' : 'the host'}.`,
    {
      program,
    },
  );
}

function commandFailed(argv: string[], r: Captured): ConsoleError {
  const why = r.stderr.trim().split('\n').pop() ?? '';
  return new ConsoleError(
    'CONFLICT',
    `\`${argv.join(' ')}\` failed (${r.code === null ? `signal ${r.signal}` : `exit ${r.code}`})${why ? `: ${why}` : ''}.`,
  );
}

async function ok(runner: ProcessRunner, argv: string[], signal?: AbortSignal): Promise<string> {
  const r = await capture(runner, argv, signal);
  if (r.code !== 0) throw commandFailed(argv, r);
  return r.stdout;
}

/** PRETTY_NAME from /etc/os-release text. */
export function prettyName(osRelease: string): string | undefined {
  for (const line of osRelease.split('\n')) {
    const m = /^PRETTY_NAME=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = (m[1] ?? '').trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    v = v.replace(/\\(["$`\\])/g, '$1');
    return v || undefined;
  }
  return undefined;
}

/** Free bytes and mount point from `df -Pk <dir>` (POSIX format: 1024-byte blocks). */
export function parseDfPk(text: string): { freeBytes: number; mountedOn: string } | undefined {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  // POSIX: header, then one line; a long device name may not wrap with -P.
  const last = lines[lines.length - 1];
  if (lines.length < 2 || last === undefined) return undefined;
  const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(.+)$/.exec(last.trim());
  if (!m) return undefined;
  return { freeBytes: Number(m[4]) * 1024, mountedOn: m[6] as string };
}

/** Seconds since the epoch from `date +%s.%N` (GNU) or `date +%s` (busybox prints %N literally or nothing). */
export function parseEpoch(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return Number(`${m[1]}.${m[2] ?? '0'}`);
}

function iec(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export interface HostTestOptions {
  signal?: AbortSignal;
  /** restic on the host: 'restic' from PATH by default. */
  resticBinary?: string;
  now?: () => number;
}

export async function testHost(
  runners: FleetRunners,
  hostId: string,
  options: HostTestOptions = {},
): Promise<HostTestReport> {
  const now = options.now ?? Date.now;
  const steps: Step[] = [];
  const errors = new Map<StepName, { code: string; message: string }>();
  const report: HostTestReport = { hostId, ok: false, steps };
  const fail = (e: unknown): { code: string; message: string } =>
    e instanceof ConsoleError
      ? { code: e.code, message: e.message }
      : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };

  /** Runs one step; false when it failed (the first failure becomes the report's error). */
  const step = async (name: StepName, work: () => Promise<string>): Promise<boolean> => {
    const t0 = now();
    try {
      const detail = await work();
      steps.push({ step: name, ok: true, detail, ms: now() - t0 });
      return true;
    } catch (e) {
      const error = fail(e);
      steps.push({ step: name, ok: false, detail: error.message, ms: now() - t0 });
      errors.set(name, error);
      return false;
    }
  };

  let runner: ProcessRunner;
  if (hostId === LOCAL_HOST_ID) {
    runner = runners.local;
  } else {
    // NOT_FOUND (no such host) and CONFLICT (not an SSH host) are the caller's mistake, not a test result.
    const where = await runners.where(hostId);
    let scan: Awaited<ReturnType<FleetRunners['scanKey']>> | undefined;
    const handshakeOk = await step('handshake', async () => {
      scan = await runners.scanKey(hostId);
      return `${endpointOf(where)} answered the SSH handshake and offers a ${scan.algorithm} host key.`;
    });
    if (!handshakeOk || !scan) return finish();
    const offered = scan;
    const keyOk = await step('hostKey', async () => {
      if (offered.status === 'match') return `The host key matches the pinned ${offered.fingerprint}.`;
      if (offered.status === 'unknown') {
        throw new ConsoleError(
          'HOST_KEY_UNKNOWN',
          `The host key is not pinned yet: the server offers ${offered.fingerprint} (${offered.algorithm}). Check it and accept it first.`,
          { offered: offered.fingerprint },
        );
      }
      throw new ConsoleError(
        'HOST_KEY_CHANGED',
        `The host key has CHANGED: pinned ${offered.pinned}, the server offers ${offered.fingerprint}. Nothing runs on this host until the key is checked and re-pinned.`,
        { pinned: offered.pinned, offered: offered.fingerprint },
      );
    });
    if (!keyOk) return finish();
    let ssh: ProcessRunner | undefined;
    const authOk = await step('auth', async () => {
      ssh = await runners.runnerFor(hostId);
      const c = await runners.hostConfig(hostId);
      const how = c.auth.kind === 'agent' ? 'through ssh-agent' : 'with the stored private key';
      return `Logged in as ${where.user} ${how}.`;
    });
    if (!authOk || !ssh) return finish();
    runner = ssh;
  }

  const signal = options.signal;
  await Promise.all([
    step('os', async () => {
      const kernel = (await ok(runner, ['uname', '-srm'], signal)).trim();
      const release = await capture(runner, ['cat', '/etc/os-release'], signal).catch(() => undefined);
      const pretty = release && release.code === 0 ? prettyName(release.stdout) : undefined;
      report.os = pretty ? `${pretty} (${kernel})` : kernel;
      return report.os;
    }),
    step('restic', async () => {
      const restic = new Restic({
        runner,
        binary: options.resticBinary ?? 'restic',
        repository: '',
        password: '',
      });
      const v = await restic.version(signal);
      report.resticVersion = v.version;
      const how = v.raw.trim().startsWith('{') ? '`restic version --json`' : 'the text of `restic version`';
      return `restic ${v.version}${v.goVersion ? ` (${v.goVersion})` : ''}, read from ${how}.`;
    }),
    step('disk', async () => {
      // Sessions start in the login user's home directory: that is where the data root lives by default.
      const out = await ok(runner, ['df', '-Pk', '.'], signal);
      const df = parseDfPk(out);
      if (!df) throw new ConsoleError('CONFLICT', `Could not read \`df -Pk .\`: ${out.slice(0, 200)}`);
      report.freeDiskBytes = df.freeBytes;
      return `${iec(df.freeBytes)} free on ${df.mountedOn} (the login user's home directory).`;
    }),
    step('clock', async () => {
      const t0 = now();
      const out = await ok(runner, ['date', '+%s.%N'], signal);
      const t1 = now();
      const remote = parseEpoch(out);
      if (remote === undefined)
        throw new ConsoleError('CONFLICT', `Could not read the host's clock: ${out.slice(0, 100)}`);
      const skew = Math.round((remote - (t0 + t1) / 2000) * 10) / 10;
      report.clockSkewSeconds = skew;
      const words =
        Math.abs(skew) < 1
          ? 'The clock agrees with this machine (within a second).'
          : `The clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} this machine.`;
      if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS)
        throw new ConsoleError(
          'CONFLICT',
          `${words} More than ${MAX_CLOCK_SKEW_SECONDS} s breaks S3 request signatures and lock ages; fix NTP on the host.`,
          { skewSeconds: skew },
        );
      return words;
    }),
  ]);
  return finish();

  function finish(): HostTestReport {
    const order: StepName[] = ['handshake', 'hostKey', 'auth', 'os', 'restic', 'disk', 'clock'];
    steps.sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step));
    // The first failure in step order explains the report.
    const firstFailed = steps.find((s) => !s.ok);
    report.ok = steps.length > 0 && firstFailed === undefined;
    const error = firstFailed ? errors.get(firstFailed.step) : undefined;
    if (error) report.error = error;
    return report;
  }
}
