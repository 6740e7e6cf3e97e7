/**
 * Per plan: how old is the newest snapshot of this host and these paths,
 * read from the repository itself, against the plan's freshness target
 * (its own, else its business's). Pure.
 */
import { posix } from 'node:path';
import type { Snapshot } from '../../../../shared';
import { ageWords, hoursBetween, hoursWords } from '../words';
import type { Verdict } from './types';

/** A snapshot dated further ahead than this is reported (the host's clock is probably wrong). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface PlanSubject {
  id: string;
  name: string;
  paths: string[];
  effectiveFreshnessHours: number;
  enabled: boolean;
}

function cleanPath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/**
 * restic's own filter (`--host H --path P…`): the snapshot was made for
 * host H and its paths include every P. A host may go by several names:
 * the runner records the inventory name (`--host`), a backup made by hand
 * records the OS host name.
 */
export function snapshotMatches(
  snapshot: Snapshot,
  hostName: string | readonly string[],
  paths: readonly string[],
): boolean {
  const names = typeof hostName === 'string' ? [hostName] : hostName;
  if (!names.includes(snapshot.hostname)) return false;
  const have = new Set(snapshot.paths.map(cleanPath));
  return paths.every((p) => have.has(cleanPath(p)));
}

/** The newest matching snapshot, or undefined. */
export function latestFor(
  snapshots: readonly Snapshot[],
  hostName: string | readonly string[],
  paths: readonly string[],
): Snapshot | undefined {
  let best: Snapshot | undefined;
  let bestAt = -Infinity;
  for (const s of snapshots) {
    if (!snapshotMatches(s, hostName, paths)) continue;
    const at = Date.parse(s.time);
    if (Number.isNaN(at)) continue;
    if (at > bestAt) {
      best = s;
      bestAt = at;
    }
  }
  return best;
}

export function freshnessVerdict(
  plan: PlanSubject,
  hostNames: string | readonly string[],
  snapshots: readonly Snapshot[],
  asOf: number,
): Verdict {
  const names = typeof hostNames === 'string' ? [hostNames] : [...new Set(hostNames)];
  const hostName = names.join(' or ');
  const target = plan.effectiveFreshnessHours;
  const base = { targetHours: target, snapshotHost: hostName, paths: plan.paths };
  if (!plan.enabled)
    return {
      status: 'ok',
      reason: 'plan disabled; freshness not checked',
      data: { ...base, disabled: true },
    };
  const latest = latestFor(snapshots, names, plan.paths);
  if (!latest) {
    return {
      status: 'failing',
      reason: `no snapshot yet for host ${hostName}, ${plan.paths.join(', ')} (target ${hoursWords(target)})`,
      data: { ...base, snapshots: 0 },
    };
  }
  const at = Date.parse(latest.time);
  const ageHours = hoursBetween(at, asOf);
  const data = {
    ...base,
    lastSnapshotAt: new Date(at).toISOString(),
    lastSnapshotId: latest.id,
    ageHours: Math.round(ageHours * 100) / 100,
  };
  if (at - asOf > FUTURE_TOLERANCE_MS) {
    return {
      status: 'warning',
      reason: `last snapshot is dated ${ageWords(at - asOf)} in the future (is the host's clock right?), target ${hoursWords(target)}`,
      data,
    };
  }
  const days = ageHours >= 48 ? ` (${ageWords(asOf - at)})` : '';
  const age = ageHours < 1 ? `${ageWords(asOf - at)} ago` : `${hoursWords(Math.round(ageHours))} ago${days}`;
  if (ageHours > target)
    return { status: 'failing', reason: `last snapshot ${age}, target ${hoursWords(target)}`, data };
  return { status: 'ok', reason: `last snapshot ${age}, target ${hoursWords(target)}`, data };
}
