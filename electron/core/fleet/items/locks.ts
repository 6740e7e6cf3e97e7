/**
 * Per repository: its lock files — owner host, pid, age, exclusive — and
 * whether that pid is alive on its host.
 *
 * restic's own rule (REFERENCE.md): a lock is stale when older than 30
 * minutes (locks are refreshed every 5), or when it was made on the same
 * host by a pid that no longer exists. The check goes one better than
 * restic's "same host": it asks the lock's host itself, through that
 * host's runner, when the lock's hostname is one of the inventory's hosts.
 */
import type { ResticLock } from '../../restic/locks';
import { ageWords } from '../words';
import type { Verdict } from './types';

/** restic treats a lock this old as stale. */
export const STALE_LOCK_MS = 30 * 60_000;
/** restic refreshes a live lock every 5 minutes; older than this and nobody refreshed it. */
export const UNREFRESHED_LOCK_MS = 10 * 60_000;

/** What the owner host said about the pid. */
export type PidState =
  | { kind: 'alive'; hostName: string }
  | { kind: 'dead'; hostName: string }
  /** The lock's hostname matches no inventory host. */
  | { kind: 'unknown-host' }
  /** The host is known but the pid could not be checked there (unreachable, command failed). */
  | { kind: 'unchecked'; hostName: string; why: string };

function lockWords(lock: ResticLock): string {
  return `${lock.exclusive ? 'exclusive lock' : 'lock'} from host ${lock.hostname || '?'} pid ${lock.pid}`;
}

/** The `locks` item for one lock. Pure. */
export function lockVerdict(lock: ResticLock, pid: PidState, asOf: number): Verdict {
  const created = Date.parse(lock.time);
  const ageMs = Number.isNaN(created) ? Infinity : Math.max(0, asOf - created);
  const age = Number.isFinite(ageMs) ? `${ageWords(ageMs)} old` : 'of unknown age';
  const stale = ageMs > STALE_LOCK_MS;
  const unrefreshed = ageMs > UNREFRESHED_LOCK_MS;
  const data: Record<string, unknown> = {
    lockId: lock.id,
    time: lock.time,
    exclusive: lock.exclusive,
    hostname: lock.hostname,
    username: lock.username,
    pid: lock.pid,
    ageMinutes: Number.isFinite(ageMs) ? Math.round(ageMs / 60_000) : null,
    pidState: pid.kind,
    stale: pid.kind === 'dead' || stale,
  };
  const what = lockWords(lock);
  switch (pid.kind) {
    case 'dead':
      return {
        status: 'warning',
        reason: `stale ${what} (dead), ${age} — unlock is safe`,
        data: { ...data, ownerHost: pid.hostName },
      };
    case 'alive':
      if (stale)
        return {
          status: 'warning',
          reason: `${what} (still running), ${age} and not refreshed — restic treats it as stale; check that process before unlocking`,
          data: { ...data, ownerHost: pid.hostName },
        };
      if (unrefreshed)
        return {
          status: 'warning',
          reason: `${what} (still running), ${age} — not refreshed for over 10 min, the process may be hung`,
          data: { ...data, ownerHost: pid.hostName },
        };
      return {
        status: 'ok',
        reason: `in use: ${what} (running), ${age}`,
        data: { ...data, ownerHost: pid.hostName },
      };
    case 'unknown-host':
    case 'unchecked': {
      const cannot =
        pid.kind === 'unknown-host' ? 'unknown host, cannot check pid' : `${pid.why}, cannot check pid`;
      if (stale)
        return {
          status: 'warning',
          reason: `stale ${what}, ${age} (${cannot}) — older than 30 min, restic treats it as stale; unlock is safe`,
          data: { ...data, ...(pid.kind === 'unchecked' ? { ownerHost: pid.hostName } : {}) },
        };
      return {
        status: unrefreshed ? 'warning' : 'ok',
        reason: `${what}, ${age} (${cannot})${unrefreshed ? ' — not refreshed for over 10 min' : ''}`,
        data: { ...data, ...(pid.kind === 'unchecked' ? { ownerHost: pid.hostName } : {}) },
      };
    }
  }
}

/**
 * Which inventory hosts a lock's hostname can mean: hosts whose `uname -n`
 * says so, else hosts whose inventory name or address is that name.
 * `preferred` (the repository's own host) comes first when it matches: on
 * a test rig all hosts may share one machine's name.
 */
export function ownerCandidates<
  H extends { id: string; name: string; address?: string | undefined; osHostname?: string | undefined },
>(lockHostname: string, hosts: readonly H[], preferred?: string): H[] {
  if (!lockHostname) return [];
  const lc = lockHostname.toLowerCase();
  const short = (s: string) => s.toLowerCase().split('.')[0];
  const byOs = hosts.filter(
    (h) =>
      h.osHostname !== undefined && (h.osHostname.toLowerCase() === lc || short(h.osHostname) === short(lc)),
  );
  const found = byOs.length
    ? byOs
    : hosts.filter(
        (h) => h.name.toLowerCase() === lc || (h.address !== undefined && h.address.toLowerCase() === lc),
      );
  return [...found].sort((a, b) => Number(b.id === preferred) - Number(a.id === preferred));
}

/**
 * The argv that answers "is pid N alive here": exit 0 alive, 1 dead.
 * `/proc/<pid>` on Linux (sees every user's processes); elsewhere `kill -0`,
 * or `ps -p` for another user's process (kill -0 then fails with EPERM).
 */
export function pidProbeArgv(pid: number): string[] {
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`not a pid: ${pid}`);
  return [
    'sh',
    '-c',
    'if [ -d /proc/self ]; then test -d "/proc/$1"; else kill -0 "$1" 2>/dev/null || ps -p "$1" >/dev/null 2>&1; fi',
    'pid-probe',
    String(pid),
  ];
}

/** Summary item when a repository has no lock at all. */
export function noLocksVerdict(): Verdict {
  return { status: 'ok', reason: 'no locks', data: { count: 0 } };
}
