// End-to-end: Chromium (playwright-core) against the REAL serve mode with
// the real core and its demo fleet (a real restic repository). Checks what
// an ops engineer sees against what the API and restic itself say.
//
// Needs `npm run build` (dist/ and dist-electron/serve.cjs) and the peers
// from scripts/provision.mjs (Chromium, restic). Screenshots of every
// screen go to artifacts/screenshots/.

import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { secretNames } from '../../electron/core/secrets/secret-store';
import { formatCount, type DiffChange, type LsNode, type Repo, type Snapshot } from '../../shared';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import {
  SCREENSHOT_DIR,
  apiCall,
  apiValue,
  launchChromium,
  startServe,
  type ServeProcess,
} from './serve-harness';

const run = promisify(execFile);

type SnapshotsReply = { snapshots: Snapshot[]; command: string };
type LsReply = { path: string; nodes: LsNode[]; command: string };
type DiffReply = {
  changes: DiffChange[];
  truncated: boolean;
  command: string;
  stats?: { added: { files: number }; removed: { files: number } };
};

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Snapshot ids of the table rows, top to bottom. */
async function rowIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid=snapshot-row]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-snapshot-id') ?? ''));
}

/** Problems the page reported: uncaught errors and CSP violations. */
function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
  });
  return problems;
}

describe('console in serve mode (newest restic: snapshots carry summaries)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let repo: Repo;
  let snapshots: Snapshot[];
  const websockets: { url: string; closed: boolean }[] = [];
  /** The snapshot the tree test opened; the diff test compares it. */
  let opened: Snapshot | undefined;
  const newest = resticBinaries().at(-1)!;

  beforeAll(async () => {
    const dataDir = await makeTempDir('rfc-e2e-');
    serve = await startServe({ dataDir, env: { RFC_RESTIC_BINARY: newest.path } });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
    });
    page = await context.newPage();
    problems = watchPage(page);
    page.on('websocket', (ws) => {
      const entry = { url: ws.url(), closed: false };
      websockets.push(entry);
      ws.on('close', () => (entry.closed = true));
    });
    const repos = await apiValue<Repo[]>(serve, 'repos.list');
    const demo = repos.find((r) => r.demo);
    if (!demo)
      throw new Error(`the demo fleet has no demo repository: ${JSON.stringify(repos)}\n${serve.output()}`);
    repo = demo;
    snapshots = (await apiValue<SnapshotsReply>(serve, 'snapshots.list', { repoId: repo.id })).snapshots;
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('refuses API calls and the event socket without the right token', async () => {
    const wrong = await apiCall(serve.origin, `${serve.token}x`, 'repos.list');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const none = await apiCall(serve.origin, null, 'repos.list');
    expect(none.status).toBe(401);
    const right = await apiCall(serve.origin, serve.token, 'repos.list');
    expect(right.status).toBe(200);

    const socketStatus = await new Promise<number | 'open'>((resolve) => {
      const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/api/events?token=wrong-token`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve('open');
      });
      ws.on('error', () => resolve(0));
    });
    expect(socketStatus).not.toBe('open');
  });

  it('shows the demo repository and its real snapshots, as many as restic itself lists', async () => {
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=snapshot-row]', { timeout: 60_000 });

    // The token left the address bar; the header tells demo fleet and serve mode.
    expect(page.url()).not.toContain('token=');
    await expect(page.locator('[data-testid=demo-badge]').isVisible()).resolves.toBe(true);
    expect(await page.locator('[data-testid=mode-badge]').textContent()).toMatch(/serve/i);

    const repoRows = page.locator('[data-testid=repo-row]');
    expect(await repoRows.count()).toBe((await apiValue<Repo[]>(serve, 'repos.list')).length);
    expect(
      await page.locator(`[data-testid=repo-row][data-repo-id="${repo.id}"]`).getAttribute('aria-selected'),
    ).toBe('true');
    expect(await page.locator(`[data-testid=repo-row][data-repo-id="${repo.id}"]`).textContent()).toContain(
      repo.location,
    );

    // The table holds exactly the API's snapshots, newest first.
    const ids = await rowIds(page);
    expect(new Set(ids)).toEqual(new Set(snapshots.map((s) => s.id)));
    const newestFirst = [...snapshots]
      .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
      .map((s) => s.id);
    expect(ids).toEqual(newestFirst);

    // …and as many as restic reports when asked directly.
    const password = await new FileSecretStore(join(serve.dataDir, 'secrets')).get(
      secretNames.repoPassword(repo.id),
    );
    expect(password).toBeTruthy();
    const { stdout } = await run(newest.path, ['-r', repo.location, 'snapshots', '--json', '--no-lock'], {
      env: {
        ...process.env,
        RESTIC_PASSWORD: password,
        RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-restic-cache'),
      },
    });
    const fromRestic = JSON.parse(stdout) as { id: string }[];
    expect(ids.length).toBe(fromRestic.length);
    expect(new Set(ids)).toEqual(new Set(fromRestic.map((s) => s.id)));

    // Files column: the summary restic ≥ 0.17 recorded.
    const first = snapshots.find((s) => s.id === ids[0])!;
    expect(first.summary?.totalFilesProcessed).toBeGreaterThan(0);
    const filesCell = page.locator(
      `[data-testid=snapshot-row][data-snapshot-id="${first.id}"] td[data-col=files]`,
    );
    expect((await filesCell.textContent())?.trim()).toBe(formatCount(first.summary?.totalFilesProcessed));

    // Times in the viewer's zone; the offset and the exact instant on hover.
    await page
      .locator(`[data-testid=snapshot-row][data-snapshot-id="${first.id}"] td[data-col=time] time`)
      .hover();
    const tip = page.getByRole('tooltip');
    await expect.poll(() => tip.textContent(), { timeout: 5_000 }).toMatch(/UTC[+-]\d\d:\d\d/);
    expect(await tip.textContent()).toContain(new Date(first.time).toISOString());
    await page.mouse.move(0, 0);

    // The equivalent restic command, secrets masked.
    const command = await page.locator('[data-testid=snapshots-command-text]').textContent();
    expect(command).toContain('restic');
    expect(command).toContain('snapshots');
    expect(command).not.toContain(password!);

    // The event socket is up (and the CSP allowed it).
    await page.waitForTimeout(500);
    expect(websockets.some((w) => w.url.includes('/api/events') && !w.closed)).toBe(true);
    await shot(page, 'repositories');
  });

  it('sorts by a column and filters by text, tag and path', async () => {
    // Sort by ID ascending.
    await page.click('[data-testid=sort-shortId]');
    expect(await page.locator('[data-testid=col-shortId]').getAttribute('aria-sort')).toBe('ascending');
    const byId = [...snapshots].sort((a, b) => (a.shortId < b.shortId ? -1 : 1)).map((s) => s.id);
    expect(await rowIds(page)).toEqual(byId);
    await page.click('[data-testid=sort-shortId]');
    expect(await page.locator('[data-testid=col-shortId]').getAttribute('aria-sort')).toBe('descending');
    expect(await rowIds(page)).toEqual([...byId].reverse());

    // `/` focuses the global filter; text filters the rows.
    await page.locator('[data-testid=snapshots-table]').focus();
    await page.keyboard.press('/');
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('filter-global');
    const tag =
      snapshots.flatMap((s) => s.tags).find((t) => t.startsWith('plan:db')) ?? snapshots[0]!.tags[0]!;
    await page.keyboard.type(tag);
    const withTag = snapshots.filter((s) => s.tags.includes(tag)).map((s) => s.id);
    expect(withTag.length).toBeGreaterThan(0);
    expect(withTag.length).toBeLessThan(snapshots.length);
    await expect.poll(async () => new Set(await rowIds(page))).toEqual(new Set(withTag));
    await shot(page, 'snapshots-filtered');
    await page.fill('[data-testid=filter-global]', '');
    await expect.poll(async () => (await rowIds(page)).length).toBe(snapshots.length);

    // The tag picker (a per-column filter).
    await page.click('[data-testid=filter-tags]');
    await page.getByRole('option', { name: tag, exact: true }).click();
    await page.keyboard.press('Escape');
    await expect.poll(async () => new Set(await rowIds(page))).toEqual(new Set(withTag));
    await page.click('[data-testid=filter-reset]');
    await expect.poll(async () => (await rowIds(page)).length).toBe(snapshots.length);

    // Path filter: the last component of one backed-up path.
    const somePath = snapshots[0]!.paths[0]!;
    const leaf = somePath.split('/').pop()!;
    await page.fill('[data-testid=filter-path]', leaf);
    const withPath = snapshots
      .filter((s) => s.paths.some((p) => p.toLowerCase().includes(leaf.toLowerCase())))
      .map((s) => s.id);
    await expect.poll(async () => new Set(await rowIds(page))).toEqual(new Set(withPath));
    await page.click('[data-testid=filter-reset]');

    // Back to newest first for the next tests (time sorts newest first on its first click).
    await page.click('[data-testid=sort-time]');
    expect(await page.locator('[data-testid=col-time]').getAttribute('aria-sort')).toBe('descending');
  });

  it('opens a snapshot with the keyboard and expands a directory in the tree', async () => {
    const ids = await rowIds(page);
    expect(ids).toEqual(rowIdsFromApiNewestFirst(snapshots));
    const target = snapshots.find((s) => s.id === ids[0])!;
    opened = target;
    await page.locator('[data-testid=snapshots-table]').focus();
    await page.keyboard.press('ArrowDown');
    expect(
      await page
        .locator(`[data-testid=snapshot-row][data-snapshot-id="${target.id}"]`)
        .getAttribute('aria-selected'),
    ).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=screen-snapshots]');
    await page.waitForSelector('[data-testid=tree-node]', { timeout: 60_000 });

    // The way down to the backed-up path opens by itself; its children are listed.
    const base = target.paths[0]!;
    const children = await apiValue<LsReply>(serve, 'snapshots.ls', {
      repoId: repo.id,
      snapshotId: target.id,
      path: base,
    });
    const childDir = children.nodes.find((n) => n.type === 'dir');
    expect(childDir, `a directory under ${base}`).toBeTruthy();
    await page.waitForSelector(`[data-testid=tree-node][data-path="${childDir!.path}"]`, { timeout: 60_000 });
    expect(
      await page
        .locator(`[data-testid=tree-node][data-path="${childDir!.path}"]`)
        .getAttribute('aria-expanded'),
    ).toBe('false');

    // Expand it: the rows under it are exactly what snapshots.ls returns for it.
    const grandChildren = await apiValue<LsReply>(serve, 'snapshots.ls', {
      repoId: repo.id,
      snapshotId: target.id,
      path: childDir!.path,
    });
    await page
      .locator(`[data-testid=tree-node][data-path="${childDir!.path}"] [data-testid=tree-toggle]`)
      .click();
    await expect
      .poll(async () =>
        page
          .locator('[data-testid=tree-node]')
          .evaluateAll(
            (rows, prefix) =>
              rows
                .map((r) => r.getAttribute('data-path') ?? '')
                .filter((p) => p.startsWith(`${prefix}/`) && !p.slice(prefix.length + 1).includes('/')),
            childDir!.path,
          ),
      )
      .toEqual(expect.arrayContaining(grandChildren.nodes.map((n) => n.path)));
    expect(
      await page
        .locator(`[data-testid=tree-node][data-path="${childDir!.path}"]`)
        .getAttribute('aria-expanded'),
    ).toBe('true');
    // A file shows its IEC size.
    const file = grandChildren.nodes.find((n) => n.type === 'file' && (n.size ?? 0) > 0);
    if (file) {
      const text = await page.locator(`[data-testid=tree-node][data-path="${file.path}"]`).textContent();
      expect(text).toMatch(/\d (B|KiB|MiB|GiB)/);
    }
    expect(await page.locator('[data-testid=ls-command-text]').textContent()).toContain(' ls ');
    await shot(page, 'snapshot-tree');
  });

  it('compares the snapshot with its parent and lists the changes', async () => {
    const target = opened!;
    expect(target, 'the tree test opened a snapshot').toBeTruthy();
    const parent = snapshots.find((s) => s.id === target.parent);
    expect(parent, 'the newest demo snapshot has a parent').toBeTruthy();
    const diff = await apiValue<DiffReply>(serve, 'snapshots.diff', {
      repoId: repo.id,
      from: parent!.id,
      to: target.id,
    });
    expect(diff.changes.length).toBeGreaterThan(0);

    await page.click('[data-testid=tab-compare]');
    await page.waitForSelector('[data-testid=diff-change]', { timeout: 60_000 });
    // The diff streams in: the counts are final once the view says it is complete.
    await page.waitForSelector('[data-testid=diff-view][data-complete=true]', { timeout: 60_000 });
    expect(await page.locator('[data-testid=diff-stat-changes]').textContent()).toBe(
      formatCount(diff.changes.length),
    );
    const direction = await page.locator('[data-testid=diff-direction]').textContent();
    expect(direction).toContain(parent!.shortId);
    expect(direction).toContain(target.shortId);
    if (diff.stats)
      expect(
        await page.locator('[data-testid=diff-stat-files-added]').textContent(),
        JSON.stringify(diff.stats),
      ).toBe(formatCount(diff.stats.added.files));
    const shown = await page
      .locator('[data-testid=diff-change]')
      .evaluateAll((rows) =>
        rows.map((r) => `${r.getAttribute('data-modifier')} ${r.getAttribute('data-path')}`),
      );
    const expected = new Set(diff.changes.map((c) => `${c.modifier} ${c.path}`));
    expect(shown.length).toBeGreaterThan(0);
    for (const row of shown) expect(expected.has(row), row).toBe(true);
    expect(await page.locator('[data-testid=diff-command-text]').textContent()).toContain(' diff ');
    await shot(page, 'snapshot-diff');

    // Filter by kind: only that kind remains.
    const kind = diff.changes[0]!.modifier;
    const testKind = kind === '+' ? 'plus' : kind === '-' ? 'minus' : kind;
    await page
      .locator(`[data-testid=diff-kind-${testKind}] + label, label:has([data-testid=diff-kind-${testKind}])`)
      .first()
      .click();
    await expect
      .poll(
        async () =>
          new Set(
            await page
              .locator('[data-testid=diff-change]')
              .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-modifier'))),
          ),
      )
      .toEqual(new Set([kind]));
    // Filter by path text.
    const some = diff.changes.find((c) => c.modifier === kind)!;
    await page.fill('[data-testid=diff-filter]', some.path.split('/').pop()!);
    await expect
      .poll(async () =>
        page
          .locator('[data-testid=diff-change]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path'))),
      )
      .toContain(some.path);
  });

  it('switches to dark mode and to Simplified Chinese', async () => {
    await page.click('[data-testid=nav-repositories]');
    await page.waitForSelector('[data-testid=snapshot-row]');
    await page.click('[data-testid=settings-button]');
    await page.locator('[data-testid=theme-control]').getByText('Dark', { exact: true }).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=theme-control]').waitFor({ state: 'hidden' });
    expect(await page.evaluate("document.documentElement.getAttribute('data-mantine-color-scheme')")).toBe(
      'dark',
    );
    await shot(page, 'repositories-dark');

    await page.click('[data-testid=language-select]');
    await page.getByRole('option', { name: '简体中文' }).click();
    await expect.poll(() => page.locator('[data-testid=nav-repositories]').textContent()).toContain('仓库');
    await page.getByRole('option', { name: '简体中文' }).waitFor({ state: 'hidden' });
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    await shot(page, 'repositories-zh-CN');
    expect(problems).toEqual([]);
  });

  it('shows a readable error, with its code, when the token is wrong', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      const p = await other.newPage();
      await p.goto(`${serve.origin}/?token=not-the-token-${Date.now()}`);
      const alert = p.locator('[data-testid=error-alert]').first();
      await alert.waitFor({ timeout: 30_000 });
      expect(await alert.getAttribute('data-error-code')).toBe('UNAUTHORIZED');
      expect(await alert.textContent()).toContain('(UNAUTHORIZED)');
      await shot(p, 'error-unauthorized');
    } finally {
      await other.close();
    }
  });
});

function rowIdsFromApiNewestFirst(list: Snapshot[]): string[] {
  return [...list].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((s) => s.id);
}

describe('console in serve mode (Debian restic 0.14: no snapshot summaries)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const oldest = resticBinaries()[0]!;

  beforeAll(async () => {
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-old-'),
      env: { RFC_RESTIC_BINARY: oldest.path },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('shows — with an explanation where restic recorded no file and byte counts', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=snapshot-row]', { timeout: 60_000 });
    const repos = await apiValue<Repo[]>(serve, 'repos.list');
    const { snapshots } = await apiValue<SnapshotsReply>(serve, 'snapshots.list', {
      repoId: repos.find((r) => r.demo)!.id,
    });
    expect(snapshots.every((s) => s.summary === undefined)).toBe(true);
    expect((await rowIds(page)).length).toBe(snapshots.length);
    const dash = page
      .locator('[data-testid=snapshot-row] td[data-col=files] [data-testid=no-summary]')
      .first();
    expect(await dash.textContent()).toBe('—');
    await dash.hover();
    await expect.poll(() => page.getByRole('tooltip').textContent(), { timeout: 5_000 }).toContain('0.17');
    await page.waitForTimeout(400); // let the tooltip finish fading in for the screenshot
    await shot(page, 'repositories-restic-0.14');
  });
});
