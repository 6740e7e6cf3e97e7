/**
 * Every React Query key the renderer uses, built in one place (the
 * query-key factory pattern). Keys are hierarchical so one prefix
 * invalidates a whole family: `snapshots.repo(id)` covers that
 * repository's list, its `ls` pages and its diffs.
 */
import type { EventPayload } from '../../../shared';

export const queryKeys = {
  app: {
    all: ['app'] as const,
    info: () => ['app', 'info'] as const,
  },
  hosts: {
    all: ['hosts'] as const,
    list: () => ['hosts', 'list'] as const,
  },
  repos: {
    all: ['repos'] as const,
    list: () => ['repos', 'list'] as const,
  },
  snapshots: {
    all: ['snapshots'] as const,
    repo: (repoId: string) => ['snapshots', repoId] as const,
    list: (repoId: string) => ['snapshots', repoId, 'list'] as const,
    ls: (repoId: string, snapshotId: string, path: string) =>
      ['snapshots', repoId, 'ls', snapshotId, path] as const,
    diff: (repoId: string, from: string, to: string) => ['snapshots', repoId, 'diff', from, to] as const,
  },
} as const;

export type QueryKey = readonly unknown[];

/** The query-key prefixes an `invalidate` event from the core makes stale. */
export function keysForInvalidate(payload: EventPayload<'invalidate'>): QueryKey[] {
  switch (payload.scope) {
    case 'hosts':
      // Repositories name their host; a renamed host changes what the list shows.
      return [queryKeys.hosts.all, queryKeys.repos.all];
    case 'repos':
      return payload.repoId
        ? [queryKeys.repos.all, queryKeys.snapshots.repo(payload.repoId)]
        : [queryKeys.repos.all, queryKeys.snapshots.all];
    case 'snapshots':
      return payload.repoId ? [queryKeys.snapshots.repo(payload.repoId)] : [queryKeys.snapshots.all];
  }
}
