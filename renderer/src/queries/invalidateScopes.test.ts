import { describe, expect, it } from 'vitest';
import { events } from '../../../shared';
import { keysForInvalidate, queryKeys } from './queryKeys';

describe('keysForInvalidate (inventory, audit, checks)', () => {
  it('maps every scope the contract has', () => {
    for (const scope of events.invalidate.shape.scope.options) {
      expect(keysForInvalidate({ scope }).length).toBeGreaterThan(0);
    }
  });

  it('refreshes plans and repositories (which show business names) on a businesses event', () => {
    const keys = keysForInvalidate({ scope: 'businesses' });
    expect(keys).toContainEqual(queryKeys.businesses.all);
    expect(keys).toContainEqual(queryKeys.repos.all);
    expect(keys).toContainEqual(queryKeys.plans.all);
  });

  it('covers every daily-check query with the checks scope', () => {
    const [prefix] = keysForInvalidate({ scope: 'checks' });
    for (const key of [
      queryKeys.checks.list(60),
      queryKeys.checks.detail(null),
      queryKeys.checks.trend(30),
    ]) {
      expect(prefix!.every((part, i) => key[i] === part)).toBe(true);
    }
  });
});
