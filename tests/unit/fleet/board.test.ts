import { describe, expect, it } from 'vitest';
import { deriveBoard, deriveHostTable, worstStatus } from '../../../shared/fleet-board';
import { item, mail, shop, web1, web2 } from './items';

describe('worstStatus', () => {
  it('is failing over warning over ok, and ok for nothing', () => {
    expect(worstStatus([])).toBe('ok');
    expect(worstStatus(['ok', 'warning', 'ok'])).toBe('warning');
    expect(worstStatus(['warning', 'failing', 'ok'])).toBe('failing');
  });
});

describe('deriveBoard', () => {
  // shop has plans on web-1 and web-2 in repository r1 (operated through web-1);
  // mail has one plan on web-1 in repository r2 (operated through web-2).
  const items = [
    item({ ...web1, item: 'reachable', status: 'ok' }),
    item({ ...web1, item: 'restic', status: 'ok', reason: 'restic 0.19.1' }),
    item({ ...web2, item: 'reachable', status: 'failing', reason: 'unreachable: connection refused' }),
    item({
      ...shop,
      ...web1,
      repositoryId: 'r1',
      item: 'repository',
      status: 'ok',
      data: { repositoryName: 'shop-main' },
    }),
    item({
      ...shop,
      ...web1,
      repositoryId: 'r1',
      item: 'locks',
      status: 'warning',
      reason: 'stale lock from host web-1 pid 4242 (dead), 2 h old — unlock is safe',
      data: { repositoryName: 'shop-main' },
    }),
    item({
      ...mail,
      ...web2,
      repositoryId: 'r2',
      item: 'repository',
      status: 'failing',
      reason: 'not checked: host web-2 unreachable',
      data: { repositoryName: 'mail-main' },
    }),
    item({
      ...shop,
      ...web1,
      planId: 'p1',
      repositoryId: 'r1',
      item: 'freshness',
      status: 'ok',
      reason: 'last snapshot 2 h ago, target 26 h',
      data: { planName: 'web1-daily', lastSnapshotAt: '2026-11-21T06:00:00.000Z' },
    }),
    item({
      ...shop,
      ...web2,
      planId: 'p2',
      repositoryId: 'r1',
      item: 'freshness',
      status: 'failing',
      reason: 'last snapshot 31 h ago, target 26 h',
      data: { planName: 'web2-daily', lastSnapshotAt: '2026-11-20T01:00:00.000Z' },
    }),
    item({
      ...mail,
      ...web1,
      planId: 'p3',
      repositoryId: 'r2',
      item: 'freshness',
      status: 'failing',
      reason: 'not checked: repository mail-main is reached through host web-2 unreachable',
      data: { planName: 'mail-daily' },
    }),
  ];
  const board = deriveBoard(items);

  it('makes one cell per business × plan host, businesses worst first', () => {
    expect(board.businesses.map((b) => [b.businessName, b.status, b.cells.map((c) => c.hostName)])).toEqual([
      ['mail', 'failing', ['web-1']],
      ['shop', 'failing', ['web-1', 'web-2']],
    ]);
    expect(board.hosts.map((h) => h.hostName)).toEqual(['web-1', 'web-2']);
    expect(board.status).toBe('failing');
    expect(board.counts).toEqual({ ok: 4, warning: 1, failing: 4 });
  });

  it('gives repository items to every cell whose plans use that repository, host items to every cell of the host', () => {
    const shop = board.businesses.find((b) => b.businessName === 'shop')!;
    const [shopWeb1, shopWeb2] = shop.cells;
    expect(shopWeb1!.status).toBe('warning');
    expect(shopWeb1!.reasons.map((r) => r.label)).toEqual([
      'locks of repository shop-main',
      'reachable',
      'restic',
      'repository shop-main',
      'freshness of plan web1-daily',
    ]);
    expect(shopWeb1!.reasons[0]!.reason).toMatch(/pid 4242 \(dead\)/);
    expect(shopWeb2!.status).toBe('failing');
    expect(shopWeb2!.reasons.slice(0, 2).map((r) => r.reason)).toEqual([
      'unreachable: connection refused',
      'last snapshot 31 h ago, target 26 h',
    ]);
    // The shared repository's lock shows on web-2's cell too.
    expect(shopWeb2!.reasons.some((r) => r.item === 'locks')).toBe(true);
  });

  it('counts an item once per business row even when it shows in several cells', () => {
    const shop = board.businesses.find((b) => b.businessName === 'shop')!;
    // web-1: reachable, restic; web-2: reachable; r1: repository, locks; p1, p2
    expect(shop.counts).toEqual({ ok: 4, warning: 1, failing: 2 });
  });

  it('never hides an item no plan claims: it gets a cell of its own', () => {
    const lonely = deriveBoard([
      item({
        hostId: 'h9',
        hostName: 'spare',
        item: 'reachable',
        status: 'failing',
        reason: 'unreachable: timed out',
      }),
      item({
        ...shop,
        hostId: 'h9',
        hostName: 'spare',
        repositoryId: 'r9',
        item: 'verified',
        status: 'warning',
        reason: 'never verified',
      }),
    ]);
    expect(
      lonely.businesses.map((b) => [b.businessName, b.cells.map((c) => [c.hostName, c.status])]),
    ).toEqual([['shop', [['spare', 'failing']]]]);
  });

  it('puts host items of hosts without any cell in a "no business" row, last', () => {
    const b = deriveBoard([
      item({ ...shop, ...web1, planId: 'p1', repositoryId: 'r1', item: 'freshness', status: 'ok' }),
      item({ hostId: 'h9', hostName: 'spare', item: 'reachable', status: 'ok' }),
    ]);
    expect(b.businesses.map((r) => r.businessName)).toEqual(['shop', null]);
  });

  it('is empty for no items', () => {
    expect(deriveBoard([])).toEqual({
      status: 'ok',
      counts: { ok: 0, warning: 0, failing: 0 },
      businesses: [],
      hosts: [],
    });
  });
});

describe('deriveHostTable', () => {
  const asOf = '2026-11-21T08:00:00.000Z';
  const rows = deriveHostTable(
    [
      item({ ...web1, item: 'reachable', status: 'ok' }),
      item({
        ...shop,
        ...web1,
        planId: 'p1',
        repositoryId: 'r1',
        item: 'freshness',
        status: 'ok',
        data: { lastSnapshotAt: '2026-11-21T06:00:00.000Z' },
      }),
      item({
        ...shop,
        ...web1,
        planId: 'p4',
        repositoryId: 'r1',
        item: 'freshness',
        status: 'ok',
        data: { lastSnapshotAt: '2026-11-21T02:00:00.000Z' },
      }),
      item({
        ...shop,
        ...web2,
        planId: 'p2',
        repositoryId: 'r1',
        item: 'freshness',
        status: 'failing',
        data: { lastSnapshotAt: '2026-11-20T01:00:00.000Z' },
      }),
      item({
        ...mail,
        hostId: 'h3',
        hostName: 'db-1',
        planId: 'p3',
        repositoryId: 'r2',
        item: 'freshness',
        status: 'failing',
        reason: 'no snapshot yet',
        data: {},
      }),
      item({ hostId: 'h9', hostName: 'spare', item: 'reachable', status: 'warning' }),
    ],
    asOf,
  );

  it('sorts hosts by last-backup age: no snapshot first, stalest next, hosts without plans last', () => {
    expect(rows.map((r) => [r.hostName, r.lastBackupAgeHours, r.status])).toEqual([
      ['db-1', null, 'failing'],
      ['web-2', 31, 'failing'],
      ['web-1', 6, 'ok'],
      ['spare', null, 'warning'],
    ]);
  });

  it("takes the least fresh plan's snapshot as the host's last backup", () => {
    const web1Row = rows.find((r) => r.hostName === 'web-1')!;
    expect(web1Row.lastBackupAt).toBe('2026-11-21T02:00:00.000Z');
    expect(web1Row.plans).toBe(2);
    expect(web1Row.businesses).toEqual(['shop']);
  });

  it('lists only the non-ok reasons', () => {
    expect(rows.find((r) => r.hostName === 'db-1')!.reasons.map((r) => r.reason)).toEqual([
      'no snapshot yet',
    ]);
    expect(rows.find((r) => r.hostName === 'web-1')!.reasons).toEqual([]);
  });
});
