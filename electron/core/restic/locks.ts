/**
 * A repository's lock files as the daily check shows them. Pure parsing;
 * Restic.locks() runs the commands.
 *
 * restic has no JSON lock listing: `list locks` prints ids one per line
 * (0.14 and 0.19 alike, --json or not), `cat lock <id>` prints the lock
 * document ({time, exclusive, hostname, username, pid, uid, gid}; 0.14
 * pretty-printed, zero uid/gid omitted). Both run with --no-lock so that
 * looking at locks does not add one.
 */
import { z } from 'zod';
import type { Snapshot } from '../../../shared';
import type { CommandOptions, Restic } from './restic';

export interface ResticLock {
  /** Storage id (64 hex digits): what `unlock` and restic's messages refer to (first 8). */
  id: string;
  /** ISO time the lock was created or last refreshed (restic refreshes every 5 minutes). */
  time: string;
  exclusive: boolean;
  /** The host restic ran on (its `uname -n`), as restic recorded it. */
  hostname: string;
  username: string;
  /** The pid on `hostname`. */
  pid: number;
  uid?: number;
  gid?: number;
}

export const LockJsonSchema = z.looseObject({
  time: z.string(),
  exclusive: z.boolean().optional(),
  hostname: z.string().optional(),
  username: z.string().optional(),
  pid: z.number().optional(),
  uid: z.number().optional(),
  gid: z.number().optional(),
});

/** The ids `restic list locks` printed; anything that is not one is ignored (stray text). */
export function parseLockIds(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]{64}$/.test(l));
}

export function toResticLock(id: string, json: z.infer<typeof LockJsonSchema>): ResticLock {
  return {
    id,
    time: json.time,
    exclusive: json.exclusive ?? false,
    hostname: json.hostname ?? '',
    username: json.username ?? '',
    pid: json.pid ?? 0,
    ...(json.uid !== undefined ? { uid: json.uid } : {}),
    ...(json.gid !== undefined ? { gid: json.gid } : {}),
  };
}

/** A lock that vanished between `list` and `cat` (released meanwhile): not an error. */
export function isGoneLockText(stderr: string): boolean {
  return /no such file or directory|does not exist|not found/i.test(stderr);
}

/** The repository's locks (`list locks` + `cat lock`, all --no-lock). For the daily check. */
export function readLocks(restic: Restic, opts: CommandOptions = {}): Promise<ResticLock[]> {
  return restic.locks(opts);
}

/** `snapshots --no-lock`: readable while another process holds an exclusive lock (prune, check). */
export function snapshotsWithoutLock(restic: Restic, opts: CommandOptions = {}): Promise<Snapshot[]> {
  return restic.snapshots({ ...opts, noLock: true });
}
