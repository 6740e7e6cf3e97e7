/**
 * Per repository: can it be opened (exists, the stored password is
 * right, its storage answers)? Typed restic errors become reasons in
 * words: "wrong password", "repository not found at …", "locked by …".
 * Pure.
 */
import { ConsoleError } from '../../../../shared';
import { parseLockInfo } from '../../restic/exit-codes';
import { firstLine } from '../words';
import type { Verdict } from './types';

function detailOf(error: ConsoleError): { stderr?: string; reason?: string; command?: string } {
  const d = error.detail;
  if (typeof d !== 'object' || d === null) return {};
  const { stderr, reason, command } = d as Record<string, unknown>;
  return {
    ...(typeof stderr === 'string' ? { stderr } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof command === 'string' ? { command } : {}),
  };
}

/** Why a repository could not be opened, in words. */
export function repositoryErrorWords(error: unknown, location: string, hostName: string): string {
  if (!(error instanceof ConsoleError))
    return `could not be checked: ${firstLine(error instanceof Error ? error.message : String(error))}`;
  const d = detailOf(error);
  switch (error.code) {
    case 'REPO_WRONG_PASSWORD':
      return /no password is stored/i.test(error.message)
        ? 'no password stored for this repository'
        : 'wrong password';
    case 'REPO_NOT_FOUND':
      return `repository not found at ${location}`;
    case 'REPO_LOCKED': {
      const info = parseLockInfo(d.stderr ?? error.message);
      if (!info) return `locked: ${firstLine(error.message)}`;
      return `locked by ${info.exclusive ? 'an exclusive lock of ' : ''}pid ${info.pid ?? '?'} on ${info.host ?? '?'}${info.user ? ` (${info.user})` : ''}${info.createdAt ? ` since ${info.createdAt}` : ''}`;
    }
    case 'RESTIC_MISSING':
      return `restic not found on ${hostName}`;
    case 'TIMEOUT':
      return `no answer: ${error.message}`;
    case 'RESTIC_FAILED':
      if (d.reason === 'storage-auth')
        return `the storage refused the credentials: ${firstLine(error.message)}`;
      if (d.reason === 'storage-unreachable') return `storage unreachable: ${firstLine(error.message)}`;
      if (d.reason === 'storage-retrying') return `storage keeps failing: ${firstLine(error.message)}`;
      return `restic failed: ${firstLine(error.message)}`;
    default:
      return `${error.code}: ${firstLine(error.message)}`;
  }
}

export function repositoryVerdict(
  result: { ok: true; locks: number; snapshots?: number } | { ok: false; error: unknown },
  location: string,
  hostName: string,
): Verdict {
  if (result.ok) {
    const parts = [`opened on ${hostName}`];
    if (result.snapshots !== undefined)
      parts.push(`${result.snapshots} snapshot${result.snapshots === 1 ? '' : 's'}`);
    return {
      status: 'ok',
      reason: parts.join(', '),
      data: {
        location,
        locks: result.locks,
        ...(result.snapshots !== undefined ? { snapshots: result.snapshots } : {}),
      },
    };
  }
  const e = result.error;
  return {
    status: 'failing',
    reason: repositoryErrorWords(e, location, hostName),
    data: {
      location,
      ...(e instanceof ConsoleError ? { code: e.code, message: firstLine(e.message, 500) } : {}),
    },
  };
}
