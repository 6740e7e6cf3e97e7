/**
 * Per host: `reachable` (a runner was obtained and a trivial command ran:
 * `uname -n`, whose answer is also the OS host name restic writes into
 * lock files) and `restic` (present, and which version).
 */
import { ConsoleError } from '../../../../shared';
import type { ProcessRunner } from '../../exec/process';
import type { RunnerRegistry } from '../../exec/runners';
import { Restic } from '../../restic/restic';
import { runCommand, withDeadline } from '../exec';
import type { FanOut } from '../limiter';
import { firstLine, unreachableWords } from '../words';
import type { CheckItem, Verdict } from './types';

/** The oldest restic the console drives (Debian stable's). */
export const MIN_RESTIC = [0, 14, 0] as const;

export interface HostSubject {
  id: string;
  name: string;
  kind: 'local' | 'ssh';
  address?: string | undefined;
  port?: number | undefined;
}

export interface HostProbe {
  host: HostSubject;
  reachable: boolean;
  /** Why not, in words ("connection refused"). */
  unreachable?: string;
  runner?: ProcessRunner;
  /** `uname -n` on the host: what restic records as a lock's hostname. */
  osHostname?: string;
  resticVersion?: string;
  items: CheckItem[];
}

export interface ProbeEnv {
  runners: RunnerRegistry;
  resticBinaryFor: (hostId: string) => Promise<string>;
  fan: FanOut;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Races a promise that takes no signal against one. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function rethrowCancel(error: unknown, signal: AbortSignal): void {
  if (signal.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  if (error instanceof ConsoleError && error.code === 'CANCELLED') throw error;
}

/** The `restic` item from a version or the error asking for it. Pure. */
export function resticVerdict(
  result: { version: string; major: number; minor: number; patch: number } | { error: unknown },
  binary: string,
): Verdict {
  if ('error' in result) {
    const e = result.error;
    if (e instanceof ConsoleError && e.code === 'RESTIC_MISSING')
      return {
        status: 'failing',
        reason: `restic not found on the host (looked for "${binary}")`,
        data: { binary },
      };
    if (e instanceof ConsoleError && e.code === 'TIMEOUT')
      return { status: 'failing', reason: `restic version: ${e.message}`, data: { binary } };
    return {
      status: 'failing',
      reason: `restic could not be run: ${firstLine(e instanceof Error ? e.message : String(e))}`,
      data: { binary },
    };
  }
  const [maj, min, pat] = MIN_RESTIC;
  const old =
    result.major !== maj
      ? result.major < maj
      : result.minor !== min
        ? result.minor < min
        : result.patch < pat;
  if (old)
    return {
      status: 'warning',
      reason: `restic ${result.version} is older than ${MIN_RESTIC.join('.')}, the oldest the console supports`,
      data: { version: result.version, binary },
    };
  return { status: 'ok', reason: `restic ${result.version}`, data: { version: result.version, binary } };
}

export async function probeHost(host: HostSubject, env: ProbeEnv): Promise<HostProbe> {
  const subject = {
    businessId: null,
    businessName: null,
    hostId: host.id,
    hostName: host.name,
    planId: null,
    repositoryId: null,
  };
  const where = host.kind === 'local' ? 'this machine' : `${host.address ?? '?'}:${host.port ?? 22}`;
  const started = Date.now();
  let runner: ProcessRunner;
  let osHostname: string;
  try {
    const got = await withDeadline(env.signal, env.timeoutMs, async (signal) => {
      const r = await abortable(env.runners.runnerFor(host.id), signal);
      const out = await env.fan.run(host.id, () => runCommand(r, ['uname', '-n'], signal), signal);
      return { r, out };
    });
    runner = got.r;
    if (got.out.code !== 0) {
      const why = firstLine(got.out.stderr) || `exit ${got.out.code ?? got.out.signal}`;
      return {
        host,
        reachable: false,
        unreachable: `connected, but a trivial command failed: ${why}`,
        items: [
          {
            ...subject,
            item: 'reachable',
            status: 'failing',
            reason: `connected to ${where}, but \`uname -n\` failed: ${why}`,
            data: { address: where },
          },
        ],
      };
    }
    osHostname = got.out.stdout.trim().split('\n')[0] ?? '';
  } catch (error) {
    rethrowCancel(error, env.signal);
    const why = unreachableWords(error);
    return {
      host,
      reachable: false,
      unreachable: why,
      items: [
        {
          ...subject,
          item: 'reachable',
          status: 'failing',
          reason: `unreachable: ${why}`,
          data: {
            address: where,
            ...(error instanceof ConsoleError ? { code: error.code } : {}),
            message: firstLine(error instanceof Error ? error.message : String(error), 500),
          },
        },
      ],
    };
  }
  const ms = Date.now() - started;
  const items: CheckItem[] = [
    {
      ...subject,
      item: 'reachable',
      status: 'ok',
      reason:
        host.kind === 'local'
          ? `this machine (${osHostname})`
          : `reachable at ${where} (${ms} ms), OS host name ${osHostname}`,
      data: { address: where, ms, osHostname },
    },
  ];

  let resticVersion: string | undefined;
  let verdict: Verdict;
  let binary = 'restic';
  try {
    binary = await env.resticBinaryFor(host.id);
    const restic = new Restic({ runner, binary, repository: '', password: '' });
    const v = await withDeadline(env.signal, env.timeoutMs, (signal) =>
      env.fan.run(host.id, () => restic.version(signal), signal),
    );
    resticVersion = v.version;
    verdict = resticVerdict(
      { version: v.version, major: v.major, minor: v.minor, patch: v.patch },
      binary,
    );
  } catch (error) {
    rethrowCancel(error, env.signal);
    verdict = resticVerdict({ error }, binary);
  }
  items.push({ ...subject, item: 'restic', ...verdict });

  // A restic the console started and then lost the connection to may still hold a lock.
  if (env.runners.checkLeftovers) {
    const leftovers = await env.runners.checkLeftovers(host.id).catch(() => []);
    for (const left of leftovers.filter((l) => l.state === 'running')) {
      items.push({
        ...subject,
        item: 'leftover',
        status: 'warning',
        reason: `${left.message}: started by the console, its connection was lost; stop it or let it finish`,
        data: { pid: left.pid, program: left.program, since: left.lostAt },
      });
    }
  }
  return {
    host,
    reachable: true,
    runner,
    osHostname,
    ...(resticVersion ? { resticVersion } : {}),
    items,
  };
}
