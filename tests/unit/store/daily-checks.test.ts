import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../electron/core/store/store';
import { StoreInventory } from '../../../electron/core/store/inventory-adapter';
import { cleanupTempDirs } from '../../support/tmp';
import { consoleError, MemorySecretStore, tempDataDir } from './fixtures';

afterAll(cleanupTempDirs);

let dir: string;
let store: Store;
let clock = 1_700_000_000_000;
const secrets = new MemorySecretStore();

beforeEach(async () => {
  dir = await tempDataDir();
  store = await openStore({ dataDir: dir, secrets, now: () => clock });
});
afterEach(() => store.close());

describe('daily checks', () => {
  it('records items, counts them on finish and pages newest first', async () => {
    const host = await store.hosts.create({ name: 'web-1', address: '127.0.0.2', user: 'backup' });
    const first = store.dailyChecks.start();
    store.dailyChecks.addItems(first.id, [
      { hostId: host.id, hostName: 'web-1', item: 'reachable', status: 'ok' },
      {
        hostId: host.id,
        hostName: 'web-1',
        item: 'freshness',
        status: 'failing',
        reason: 'last snapshot 31 h ago, target 26 h',
        data: { ageHours: 31 },
      },
      {
        hostId: host.id,
        hostName: 'web-1',
        item: 'locks',
        status: 'warning',
        reason: 'stale lock from pid 42',
      },
    ]);
    const done = store.dailyChecks.finish(first.id, 'done');
    expect(done.summary).toMatchObject({ ok: 1, warning: 1, failing: 1 });
    expect(store.dailyChecks.items(first.id).map((i) => i.item)).toEqual(['reachable', 'freshness', 'locks']);

    // History keeps the host's name after the host is gone.
    await store.hosts.remove(host.id);
    expect(store.dailyChecks.items(first.id)[1]).toMatchObject({
      hostId: null,
      hostName: 'web-1',
      data: { ageHours: 31 },
    });

    clock += 1000;
    const second = store.dailyChecks.start();
    expect(store.dailyChecks.list().map((c) => c.id)).toEqual([second.id, first.id]);
    expect(store.dailyChecks.list({ before: second.id }).map((c) => c.id)).toEqual([first.id]);
    expect(
      (await consoleError(() => store.dailyChecks.addItems(first.id, [{ item: 'Bad Item!', status: 'ok' }])))
        .code,
    ).toBe('BAD_REQUEST');
  });

  it('marks checks left running by a stopped console as failed on reopen', async () => {
    const check = store.dailyChecks.start();
    store.close();
    store = await openStore({ dataDir: dir, secrets, now: () => clock });
    expect(store.dailyChecks.get(check.id)).toMatchObject({
      status: 'failed',
      summary: { interrupted: true },
    });
  });
});

describe('StoreInventory (the JSON Inventory interface over SQLite)', () => {
  it('is empty on a fresh store, then serves what putRepo stored', async () => {
    const inventory = new StoreInventory(store);
    expect(await inventory.isEmpty()).toBe(true);
    await inventory.putRepo({
      id: 'demo',
      name: 'Demo repository',
      location: '/srv/demo',
      kind: 'local',
      hostId: 'local',
      business: 'Demo business',
      demo: true,
      env: {},
    });
    expect(await inventory.isEmpty()).toBe(false);
    expect(await inventory.repo('demo')).toEqual({
      id: 'demo',
      name: 'Demo repository',
      location: '/srv/demo',
      kind: 'local',
      hostId: 'local',
      business: 'Demo business',
      demo: true,
      env: {},
    });
    await inventory.putRepo({
      id: 'demo',
      name: 'Demo repo',
      location: '/srv/demo',
      kind: 'local',
      hostId: 'local',
      demo: true,
      env: {},
    });
    expect((await inventory.repos()).map((r) => [r.name, r.business])).toEqual([['Demo repo', undefined]]);
    expect((await inventory.hosts())[0]).toEqual({ id: 'local', name: 'this machine', kind: 'local' });
    expect((await consoleError(() => inventory.repo('nope'))).code).toBe('NOT_FOUND');
  });
});
