import { describe, expect, it } from 'vitest';
import { keysForInvalidate, queryKeys } from './queryKeys';

/** True when `prefix` is a prefix of `key`, the way React Query matches invalidations. */
const covers = (prefix: readonly unknown[], key: readonly unknown[]) =>
  prefix.every((part, i) => key[i] === part);

describe('queryKeys', () => {
  it('nests every snapshot query of a repository under that repository', () => {
    const repo = queryKeys.snapshots.repo('demo');
    expect(covers(repo, queryKeys.snapshots.list('demo'))).toBe(true);
    expect(covers(repo, queryKeys.snapshots.ls('demo', 'abcd1234', '/srv'))).toBe(true);
    expect(covers(repo, queryKeys.snapshots.diff('demo', 'aaaa', 'bbbb'))).toBe(true);
    expect(covers(repo, queryKeys.snapshots.list('other'))).toBe(false);
    expect(covers(queryKeys.snapshots.all, queryKeys.snapshots.list('other'))).toBe(true);
  });

  it('keeps ls keys distinct per path and snapshot', () => {
    expect(queryKeys.snapshots.ls('r', 's1', '/a')).not.toEqual(queryKeys.snapshots.ls('r', 's1', '/b'));
    expect(queryKeys.snapshots.ls('r', 's1', '/a')).not.toEqual(queryKeys.snapshots.ls('r', 's2', '/a'));
  });
});

describe('keysForInvalidate', () => {
  it('scopes a snapshots event with a repoId to that repository', () => {
    expect(keysForInvalidate({ scope: 'snapshots', repoId: 'demo' })).toEqual([['snapshots', 'demo']]);
  });

  it('invalidates every repository when no repoId is given', () => {
    expect(keysForInvalidate({ scope: 'snapshots' })).toEqual([['snapshots']]);
  });

  it('refreshes the repository list and its snapshots on a repos event', () => {
    expect(keysForInvalidate({ scope: 'repos', repoId: 'r1' })).toEqual([['repos'], ['snapshots', 'r1']]);
    expect(keysForInvalidate({ scope: 'repos' })).toEqual([['repos'], ['snapshots']]);
  });

  it('refreshes hosts and the repository list (which shows host names) on a hosts event', () => {
    const keys = keysForInvalidate({ scope: 'hosts' });
    expect(keys).toContainEqual(queryKeys.hosts.all);
    expect(keys).toContainEqual(queryKeys.repos.all);
  });
});
