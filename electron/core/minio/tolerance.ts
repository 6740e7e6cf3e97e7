/**
 * How many more drives may fail, per erasure set, from `GET /info`.
 * MinIO's quorums for a set of N drives with parity P: reads need N−P
 * drives; writes need N−P too, plus one when P = N/2 (so two halves
 * cannot both accept writes). Pure.
 */
import type { AdminInfo } from './admin-client';

export interface SetTolerance {
  pool: number;
  set: number;
  drives: number;
  online: number;
  parity: number;
  writeQuorum: number;
  readQuorum: number;
  moreForWrite: number;
  moreForRead: number;
}

export function quorums(drives: number, parity: number): { writeQuorum: number; readQuorum: number } {
  const data = drives - parity;
  return { readQuorum: data, writeQuorum: data === parity ? data + 1 : data };
}

const ONLINE = new Set(['ok', 'online']);

export function driveOnline(state: string | undefined): boolean {
  return ONLINE.has((state ?? '').toLowerCase());
}

/** One entry per erasure set (pool, set), from the drives the servers report. */
export function erasureSets(info: AdminInfo): SetTolerance[] {
  const parity = info.backend?.standardSCParity ?? 0;
  const groups = new Map<string, { pool: number; set: number; drives: number; online: number }>();
  for (const server of info.servers ?? []) {
    for (const d of server.drives ?? []) {
      const pool = d.pool_index ?? 0;
      const set = d.set_index ?? 0;
      const key = `${pool}/${set}`;
      const g = groups.get(key) ?? { pool, set, drives: 0, online: 0 };
      g.drives += 1;
      if (driveOnline(d.state)) g.online += 1;
      groups.set(key, g);
    }
  }
  // A server that did not answer lists no drives: count its drives from the backend's set sizes.
  const perSet = info.backend?.totalDrivesPerSet ?? [];
  for (const g of groups.values()) {
    const expected = perSet[g.pool];
    if (expected !== undefined && expected > g.drives) g.drives = expected;
  }
  return [...groups.values()]
    .sort((a, b) => a.pool - b.pool || a.set - b.set)
    .map((g) => {
      const p = Math.min(parity, Math.max(0, Math.floor(g.drives / 2)));
      const q = quorums(g.drives, p);
      return {
        ...g,
        parity: p,
        ...q,
        moreForWrite: g.online - q.writeQuorum,
        moreForRead: g.online - q.readQuorum,
      };
    });
}

const drivesWord = (n: number): string => `${n} ${n === 1 ? 'drive' : 'drives'}`;

/** The whole deployment's tolerance in words (the weakest set counts). */
export function toleranceWords(sets: readonly SetTolerance[]): string {
  if (sets.length === 0) return 'drive layout unknown';
  const w = Math.min(...sets.map((s) => s.moreForWrite));
  const r = Math.min(...sets.map((s) => s.moreForRead));
  const total = sets.reduce((a, s) => a + s.drives, 0);
  if (total === 1 && w >= 0) return 'a single drive: no redundancy, losing it loses the data';
  if (r < 0) return 'read quorum lost: objects cannot be read';
  if (w < 0)
    return `write quorum lost: writes fail; reads survive ${r === 0 ? 'no further drive loss' : `${drivesWord(r)} more`}`;
  if (w === 0)
    return `no further drive may fail without stopping writes; reads survive ${r === 0 ? 'no further loss' : `${drivesWord(r)} more`}`;
  return `${drivesWord(w)} more may fail with writes going on (${drivesWord(r)} for reads)`;
}
