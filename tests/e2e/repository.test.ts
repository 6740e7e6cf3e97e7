// End-to-end: the repository page and the snapshot tools in Chromium against
// the REAL serve mode (the demo fleet: a real local restic repository made by
// the newest restic). What the UI shows is checked against the API and
// against restic itself; every change goes through the UI (typed
// confirmations included) and is then read back from the repository.
// Screenshots of each screen go to artifacts/screenshots/.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { secretNames } from '../../electron/core/secrets/secret-store';
import {
  formatBytes,
  formatCount,
  type DiffChange,
  type FileVersion,
  type ForgetGroup,
  type LsNode,
  type Repo,
  type RepoLock,
  type RepoStats,
  type Snapshot,
} from '../../shared';
import { resticBinaries } from '../support/peers';
import { spawnTracked } from '../support/procs';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

const run = promisify(execFile);

type SnapshotsReply = { snapshots: Snapshot[]; command: string };
type RepoDetail = {
  snapshotCount: number;
  stats: { restoreSize: RepoStats | null; rawData: RepoStats | null };
  compressionRatio?: number;
  locks: RepoLock[];
  lastCheck: { result: string; jobId: string } | null;
  growth: unknown[];
};

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250); // tooltips and transitions settle
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
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

const byTime = (a: { time: string }, b: { time: string }) => Date.parse(a.time) - Date.parse(b.time);

describe('repository page and snapshot tools in serve mode (newest restic)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let repo: Repo;
  let password: string;
  let lockHolder: ChildProcess | undefined;
  const newest = resticBinaries().at(-1)!;

  const snapshotsNow = async () =>
    (await apiValue<SnapshotsReply>(serve, 'snapshots.list', { repoId: repo.id })).snapshots;
  const resticJson = async <T>(args: string[]): Promise<T> => {
    const { stdout } = await run(newest.path, ['-r', repo.location, ...args], {
      env: { ...process.env, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-cache') },
    });
    return JSON.parse(stdout) as T;
  };
  /** The locks restic lists (ids, one a line). */
  const resticLocks = async (): Promise<string[]> => {
    const { stdout } = await run(newest.path, ['-r', repo.location, 'list', 'locks', '--no-lock'], {
      env: { ...process.env, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-cache') },
    });
    return stdout.split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l.trim()));
  };
  /** The app-data snapshots (plan:app), oldest first. */
  const appSnapshots = async () =>
    (await snapshotsNow()).filter((s) => s.tags.includes('plan:app')).sort(byTime);

  const openRepositoryPage = async (tab: 'overview' | 'snapshots' | 'retention' | 'keys') => {
    await page.click('[data-testid=nav-repositories]');
    await page.click(`[data-testid=repo-row][data-repo-id="${repo.id}"]`);
    await page.click('[data-testid=repo-open]');
    await page.waitForSelector(`[data-testid=screen-repository][data-repo-id="${repo.id}"]`);
    await page.click(`[data-testid=repo-tab-${tab}]`);
  };

  /** The snapshot screen for one snapshot (Files tab). */
  const openSnapshot = async (snapshot: Snapshot) => {
    await openRepositoryPage('snapshots');
    await page.click(`[data-testid=snapshot-row][data-snapshot-id="${snapshot.id}"]`);
    await page.click('[data-testid=snapshot-open]');
    await page.waitForSelector('[data-testid=screen-snapshots]');
    await page.waitForSelector('[data-testid=tree-node]');
  };

  beforeAll(async () => {
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-repo-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    page = await context.newPage();
    problems = watchPage(page);
    const demo = (await apiValue<Repo[]>(serve, 'repos.list')).find((r) => r.demo);
    if (!demo) throw new Error(`no demo repository\n${serve.output()}`);
    repo = demo;
    password = (await new FileSecretStore(join(serve.dataDir, 'secrets')).get(
      secretNames.repoPassword(repo.id),
    ))!;
    expect(password).toBeTruthy();
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-repositories]', { timeout: 60_000 });
  });

  afterAll(async () => {
    lockHolder?.kill('SIGKILL');
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('shows the repository page with the counts and sizes restic reports', async () => {
    await openRepositoryPage('overview');
    await page.waitForSelector('[data-testid=repo-overview]', { timeout: 60_000 });

    const snapshots = await resticJson<Snapshot[]>(['snapshots', '--json', '--no-lock']);
    expect(await page.locator('[data-testid=stat-snapshots-value]').textContent()).toBe(
      formatCount(snapshots.length),
    );
    const restore = await resticJson<{ total_size: number; total_file_count: number }>([
      'stats',
      '--json',
      '--no-lock',
      '--mode=restore-size',
    ]);
    const raw = await resticJson<{ total_size: number; compression_ratio?: number }>([
      'stats',
      '--json',
      '--no-lock',
      '--mode=raw-data',
    ]);
    expect(await page.locator('[data-testid=stat-restore-size-value]').textContent()).toBe(
      formatBytes(restore.total_size),
    );
    expect(await page.locator('[data-testid=stat-restore-size-sub]').textContent()).toBe(
      `${formatCount(restore.total_file_count)} files`,
    );
    expect(await page.locator('[data-testid=stat-raw-data-value]').textContent()).toBe(
      formatBytes(raw.total_size),
    );
    // Compression as the ratio restic's numbers give (newest restic writes repository format 2).
    expect(raw.compression_ratio).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=stat-compression-value]').textContent()).toBe(
      `${raw.compression_ratio!.toFixed(2)}×`,
    );
    // No check yet; no locks; a growth point per snapshot.
    expect(await page.locator('[data-testid=stat-last-check-value]').textContent()).toBe(
      'never checked here',
    );
    expect(await page.locator('[data-testid=locks-count]').textContent()).toContain('none');
    expect(await page.locator('[data-testid=growth-chart]').getAttribute('data-points')).toBe(
      String(snapshots.length),
    );
    expect(await page.locator('[data-testid=repo-problem]').count()).toBe(0);
    // Commands shown, password masked.
    const statsCommand = await page.locator('[data-testid=stats-raw-command-text]').textContent();
    expect(statsCommand).toContain('stats --json --no-lock --mode=raw-data');
    expect(statsCommand).toContain('RESTIC_PASSWORD=***');
    expect(statsCommand).not.toContain(password);
    await shot(page, 'repository-overview');
  });

  it('runs a check job with a read-data subset to success, with live progress and the result in words', async () => {
    await page.click('[data-testid=repo-check]');
    await page.click('[data-testid=check-kind-percent]');
    await page.fill('[data-testid=check-percent]', '50');
    await expect
      .poll(() => page.locator('[data-testid=check-command-text]').textContent())
      .toMatch(/ check --json --read-data-subset=50%$/);
    await shot(page, 'repository-check-dialog');
    await page.click('[data-testid=check-start]');
    // The job as the events tell it: a status in words, elapsed time and output lines, then the result.
    const panel = page.locator('[data-testid=check-job]');
    await panel.waitFor();
    await expect.poll(() => panel.getAttribute('data-status'), { timeout: 90_000 }).toBe('succeeded');
    expect(await page.locator('[data-testid=check-job-words]').textContent()).toMatch(/100%.*\d+ (ms|s)/);
    expect(await page.locator('[data-testid=check-result-words]').textContent()).toBe(
      'No errors: the repository is sound.',
    );
    const jobId = await panel.getAttribute('data-job-id');
    const job = await apiValue<{
      job: { status: string; command: string; counters: Record<string, number> };
    }>(serve, 'jobs.get', { id: jobId });
    expect(job.job.status).toBe('succeeded');
    expect(job.job.counters.checkErrors).toBe(0);
    expect(job.job.command).toContain('--read-data-subset=50%');
    expect(await page.locator('[data-testid=check-command-text]').textContent()).toBe(job.job.command);
    await shot(page, 'repository-check-done');
    await page.click('[data-testid=check-close]');

    // The page's last check follows the job.
    await expect
      .poll(() => page.locator('[data-testid=last-check-result]').getAttribute('data-result'), {
        timeout: 30_000,
      })
      .toBe('ok');
    const detail = await apiValue<RepoDetail>(serve, 'repos.get', { id: repo.id });
    expect(detail.lastCheck).toMatchObject({ result: 'ok', jobId });
  });

  it('previews a retention policy: per group what is kept (with reasons) and removed; explains the refusal', async () => {
    await page.click('[data-testid=repo-tab-retention]');
    await page.waitForSelector('[data-testid=retention-empty]');
    // Keep last 1 and daily 2 (clearing the default weekly/monthly).
    await page.fill('[data-testid=retention-keepLast]', '1');
    await page.fill('[data-testid=retention-keepDaily]', '2');
    await page.fill('[data-testid=retention-keepWeekly]', '');
    await page.fill('[data-testid=retention-keepMonthly]', '');
    await page.click('[data-testid=retention-preview]');
    await page.waitForSelector('[data-testid=preview-table]', { timeout: 60_000 });

    const expected = await apiValue<{ groups: ForgetGroup[]; keepCount: number; removeCount: number }>(
      serve,
      'repos.forgetPreview',
      { id: repo.id, policy: { keepLast: 1, keepDaily: 2 } },
    );
    expect(expected.removeCount).toBeGreaterThan(0);
    const rows = page.locator('[data-testid=preview-row]');
    await expect.poll(() => rows.count()).toBe(expected.keepCount + expected.removeCount);
    const decisions = await rows.evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-snapshot-id'), e.getAttribute('data-decision')]),
    );
    const want = expected.groups.flatMap((g) => [
      ...g.keep.map((e) => [e.snapshot.id, 'keep']),
      ...g.remove.map((e) => [e.snapshot.id, 'remove']),
    ]);
    expect(new Set(decisions.map((d) => d.join(' ')))).toEqual(new Set(want.map((d) => d.join(' '))));
    // Reasons in restic's words for a kept one; "no rule keeps it" for a removed one.
    const kept = expected.groups.flatMap((g) => g.keep)[0]!;
    expect(
      await page
        .locator(`[data-testid=preview-row][data-snapshot-id="${kept.snapshot.id}"] td[data-col=reasons]`)
        .textContent(),
    ).toBe(kept.reasons.join(', '));
    expect(await page.locator('[data-testid=preview-remove-count]').textContent()).toBe(
      `removes ${expected.removeCount}`,
    );
    expect(await page.locator('[data-testid=preview-command-text]').textContent()).toContain(
      'forget --json --dry-run --keep-last=1 --keep-daily=2',
    );
    await expect.poll(() => page.locator('[data-testid=retention-forget]').isEnabled()).toBe(true);
    await shot(page, 'repository-retention-preview');

    // Only removed ones.
    await page.click('[data-testid=preview-filter] >> text=Removed');
    await expect.poll(() => rows.count()).toBe(expected.removeCount);

    // The confirmation wants the repository name; cancel (nothing is forgotten here).
    await page.click('[data-testid=retention-forget]');
    await page.waitForSelector('[data-testid=forget-confirm-input]');
    expect(await page.locator('[data-testid=forget-confirm-submit]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=forget-command-text]').textContent()).toContain(
      'forget --json --keep-last=1 --keep-daily=2',
    );
    await page.fill('[data-testid=forget-confirm-input]', repo.name);
    expect(await page.locator('[data-testid=forget-confirm-submit]').isEnabled()).toBe(true);
    await shot(page, 'repository-retention-confirm');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=forget-confirm-input]').waitFor({ state: 'hidden' });

    // A policy that keeps nothing of a group: restic refuses, the page says why.
    await page.fill('[data-testid=retention-keepLast]', '');
    await page.fill('[data-testid=retention-keepDaily]', '');
    await page.locator('[data-testid=retention-keepTags]').fill('no-such-tag');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=retention-preview]');
    const refused = page.locator('[data-testid=retention-refused]');
    await refused.waitFor({ timeout: 60_000 });
    expect(await refused.textContent()).toContain('would remove every snapshot of a group');
    expect(await refused.textContent()).toContain('keeps at least one snapshot of every group');
    await shot(page, 'repository-retention-refused');
    expect((await snapshotsNow()).length).toBe(6);
  });

  it('finds a file by name within a snapshot and jumps to it in the tree', async () => {
    const newestApp = (await appSnapshots()).at(-1)!;
    await openSnapshot(newestApp);
    await page.fill('[data-testid=find-input]', 'invoice-0003');
    await page.click('[data-testid=find-submit]');
    const match = page.locator('[data-testid=find-match]').first();
    await match.waitFor({ timeout: 60_000 });
    const path = (await match.getAttribute('data-path'))!;
    expect(path).toMatch(/\/app-data\/uploads\/2026\/invoice-0003\.pdf$/);
    expect(await page.locator('[data-testid=find-count]').textContent()).toContain('1 match');
    expect(await page.locator('[data-testid=find-command-text]').textContent()).toContain('find --json');
    await match.click();
    const node = page.locator(`[data-testid=tree-node][data-path="${path}"]`);
    await node.waitFor();
    expect(await node.getAttribute('aria-selected')).toBe('true');
    await shot(page, 'snapshot-find');
  });

  it("shows a file's version history across snapshots from the tree's context action", async () => {
    const file = page.locator('[data-testid=tree-node][data-path$="/app-data/config/app.yaml"]');
    if ((await file.count()) === 0) {
      await page.fill('[data-testid=find-input]', 'app.yaml');
      await page.click('[data-testid=find-submit]');
      await page.locator('[data-testid=find-match]').first().click();
    }
    await file.waitFor();
    const path = (await file.getAttribute('data-path'))!;
    await file.click({ button: 'right' });
    await page.click('[data-testid=tree-menu-history]');
    const drawer = page.locator('[data-testid=history-table]');
    await drawer.waitFor({ timeout: 60_000 });

    const expected = await apiValue<{ versions: FileVersion[] }>(serve, 'snapshots.history', {
      repoId: repo.id,
      path,
    });
    // app.yaml changes with every generation: one version per app snapshot, each changed after the first.
    expect(expected.versions.length).toBe((await appSnapshots()).length);
    const rows = page.locator('[data-testid=history-row]');
    await expect.poll(() => rows.count()).toBe(expected.versions.length);
    const shown = await rows.evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-snapshot-id'), e.getAttribute('data-status')].join(' ')),
    );
    expect(new Set(shown)).toEqual(new Set(expected.versions.map((v) => `${v.snapshotId} ${v.status}`)));
    expect(expected.versions.map((v) => v.status)).toContain('changed');
    expect(await page.locator('[data-testid=history-summary]').textContent()).toContain(
      `${expected.versions.length} version(s)`,
    );
    await shot(page, 'snapshot-history');

    // A version opens that snapshot at the file.
    const oldest = expected.versions[0]!;
    await page.dblclick(`[data-testid=history-row][data-snapshot-id="${oldest.snapshotId}"]`);
    await page.locator('[data-testid=history-drawer]').waitFor({ state: 'hidden' });
    await page.waitForSelector(`[data-testid=tree-node][data-path="${path}"][aria-selected=true]`);
    expect(await page.locator('[data-testid=snapshot-full-id]').textContent()).toContain(
      oldest.snapshotId.slice(0, 16),
    );
  });

  it('shows the diff as a tree that folds unchanged folders, with both versions of a changed file', async () => {
    const newestApp = (await appSnapshots()).at(-1)!;
    await openSnapshot(newestApp);
    await page.click('[data-testid=tab-compare]');
    await page.waitForSelector('[data-testid=diff-view][data-complete=true]', { timeout: 60_000 });
    await page.click('[data-testid=diff-mode] label:has-text("Tree")');
    await page.waitForSelector('[data-testid=diff-tree]');
    // Folders restic did not report are folded into their one sub-folder ("rfc-…/demo/source"), not a row each.
    const dirs = await page.locator('[data-testid=diff-tree-dir]').allTextContents();
    expect(dirs.some((d) => d.includes('/'))).toBe(true);

    const diff = await apiValue<{ changes: DiffChange[] }>(serve, 'snapshots.diff', {
      repoId: repo.id,
      from: newestApp.parent ?? (await appSnapshots()).at(-2)!.id,
      to: newestApp.id,
    });
    const modified = diff.changes.find((c) => c.modifier === 'M' && c.path.endsWith('invoice-0001.pdf'))!;
    expect(modified).toBeTruthy();
    await page.click(`[data-testid=diff-tree-file][data-path="${modified.path}"]`);
    const details = page.locator('[data-testid=change-details]');
    await details.waitFor();
    // Sizes from restic ls of the folder in each snapshot.
    const dir = modified.path.slice(0, modified.path.lastIndexOf('/'));
    const before = (
      await apiValue<{ nodes: LsNode[] }>(serve, 'snapshots.ls', {
        repoId: repo.id,
        snapshotId: newestApp.parent ?? (await appSnapshots()).at(-2)!.id,
        path: dir,
      })
    ).nodes.find((n) => n.path === modified.path)!;
    const after = (
      await apiValue<{ nodes: LsNode[] }>(serve, 'snapshots.ls', {
        repoId: repo.id,
        snapshotId: newestApp.id,
        path: dir,
      })
    ).nodes.find((n) => n.path === modified.path)!;
    await expect
      .poll(() => page.locator('[data-testid=before-size]').textContent())
      .toBe(formatBytes(before.size));
    expect(await page.locator('[data-testid=after-size]').textContent()).toBe(formatBytes(after.size));
    expect(before.size).not.toBe(after.size);
    expect(await page.locator('[data-field=size]').getAttribute('data-differs')).toBe('true');
    await shot(page, 'snapshot-diff-tree');
  });

  it('aborts the superseded listing when another folder is opened', async () => {
    // A snapshot no earlier test browsed: its folders are not cached yet.
    const second = (await appSnapshots())[1]!;
    await openSnapshot(second);
    const config = page.locator('[data-testid=tree-node][data-path$="/app-data/config"]');
    const uploads = page.locator('[data-testid=tree-node][data-path$="/app-data/uploads"]');
    await config.waitFor();
    const configPath = (await config.getAttribute('data-path'))!;
    // Hold the first folder's listing so that it is still loading when the second click comes.
    const failed: Request[] = [];
    page.on('requestfailed', (r) => failed.push(r));
    await page.route('**/api/call/snapshots.ls', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as { path?: string };
      if (body.path === configPath) {
        await new Promise((r) => setTimeout(r, 3000));
        await route.continue().catch(() => undefined);
      } else await route.continue();
    });
    await config.locator('[data-testid=tree-toggle]').click();
    await page.waitForSelector('[data-testid=tree-loading]');
    await uploads.locator('[data-testid=tree-toggle]').click();
    await expect
      .poll(() => failed.some((r) => r.url().endsWith('/snapshots.ls') && r.postData()?.includes(configPath)))
      .toBe(true);
    expect(failed.find((r) => r.postData()?.includes(configPath))?.failure()?.errorText).toMatch(/ABORT/i);
    // The superseded folder is closed, the new one is open and listed.
    expect(await config.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => uploads.getAttribute('aria-expanded')).toBe('true');
    await page.waitForSelector('[data-testid=tree-node][data-path$="/app-data/uploads/2026"]');
    await page.unroute('**/api/call/snapshots.ls');
  });

  it("edits tags on ticked snapshots: restic's rewritten snapshots carry them", async () => {
    const db = (await snapshotsNow()).filter((s) => s.tags.includes('plan:db')).sort(byTime);
    expect(db.length).toBe(2);
    await openRepositoryPage('snapshots');
    await page.click('[data-testid=snapshot-group-by] >> text=Plan');
    await page.waitForSelector('[data-testid=snapshot-group][data-group=db]');
    for (const s of db)
      await page.click(
        `[data-testid=snapshot-row][data-snapshot-id="${s.id}"] [data-testid=snapshot-check-cell]`,
      );
    expect(await page.locator('[data-testid=snapshots-ticked]').textContent()).toBe('2 ticked');
    await shot(page, 'repository-snapshots-grouped');
    await page.click('[data-testid=snapshots-edit-tags]');
    await page.locator('[data-testid=tags-add]').fill('e2e-kept');
    await page.keyboard.press('Enter');
    await page.click('[data-testid=tags-remove]');
    await page.getByRole('option', { name: 'daily', exact: true }).click();
    // Close the option list by clicking elsewhere in the dialog (Escape would close the dialog).
    await page.click('[data-testid=tags-current]');
    await page.getByRole('option', { name: 'daily', exact: true }).waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.locator('[data-testid=tags-command-text]').textContent())
      .toContain('tag --json --add=e2e-kept --remove=daily --');
    await shot(page, 'snapshot-tags-dialog');
    await page.click('[data-testid=tags-submit]');
    // The dialog closes once restic has rewritten the snapshots (the change is a job the call waits for).
    await page.locator('[data-testid=tags-submit]').waitFor({ state: 'detached', timeout: 60_000 });

    // restic wrote new snapshots (new ids) with the new tags; the old ids are gone.
    const after = (await snapshotsNow()).filter((s) => s.tags.includes('plan:db'));
    expect(after.length).toBe(2);
    for (const s of after) {
      expect(s.tags).toContain('e2e-kept');
      expect(s.tags).not.toContain('daily');
      expect(db.map((d) => d.id)).not.toContain(s.id);
    }
    // The table shows them, still ticked (the ticks followed the new ids).
    for (const s of after) {
      const row = page.locator(`[data-testid=snapshot-row][data-snapshot-id="${s.id}"]`);
      await row.waitFor();
      expect(await row.locator('td[data-col=tags]').textContent()).toContain('e2e-kept');
      expect(await row.getAttribute('data-checked')).toBe('true');
    }
    await page.click('[data-testid=snapshots-untick]');
    await page.click('[data-testid=snapshot-group-by] >> text=None');
  });

  it('forgets a single snapshot after its short id is typed: it leaves the table and the repository', async () => {
    const victim = (await appSnapshots())[1]!;
    const row = page.locator(`[data-testid=snapshot-row][data-snapshot-id="${victim.id}"]`);
    await row.click();
    await page.click('[data-testid=snapshots-forget]');
    const input = page.locator('[data-testid=snapshot-forget-confirm-input]');
    await input.waitFor();
    expect(await page.locator('[data-testid=snapshot-forget-command-text]').textContent()).toContain(
      `forget -- ${victim.id}`,
    );
    await input.fill(victim.id.slice(0, 7));
    expect(await page.locator('[data-testid=snapshot-forget-confirm-submit]').isDisabled()).toBe(true);
    await input.fill(victim.id.slice(0, 8));
    await shot(page, 'snapshot-forget-confirm');
    await page.click('[data-testid=snapshot-forget-confirm-submit]');
    await row.waitFor({ state: 'detached', timeout: 60_000 });
    const left = await resticJson<Snapshot[]>(['snapshots', '--json', '--no-lock']);
    expect(left.map((s) => s.id)).not.toContain(victim.id);
    expect(left.length).toBe(5);
    expect(await page.locator('[data-testid=snapshot-row]').count()).toBe(5);
  });

  it('lists a live lock with its pid alive, keeps it on a plain unlock, removes it once its process is gone', async () => {
    // A real restic holding a shared lock: a backup waiting on stdin.
    lockHolder = spawnTracked(
      newest.path,
      ['-r', repo.location, 'backup', '--stdin', '--stdin-filename', 'held.txt'],
      {
        env: {
          ...process.env,
          RESTIC_PASSWORD: password,
          RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-cache'),
        },
        stdio: ['pipe', 'ignore', 'ignore'],
      },
    );
    await expect.poll(async () => (await resticLocks()).length, { timeout: 30_000 }).toBe(1);
    await expect
      .poll(async () => (await apiValue<RepoDetail>(serve, 'repos.get', { id: repo.id })).locks.length, {
        timeout: 30_000,
      })
      .toBe(1);

    await openRepositoryPage('overview');
    await page.click('[data-testid=repo-refresh]');
    const lockRow = page.locator('[data-testid=lock-row]');
    await lockRow.waitFor({ timeout: 60_000 });
    expect(await lockRow.getAttribute('data-pid-state')).toBe('alive');
    expect(await lockRow.locator('td[data-col=pid]').textContent()).toBe(String(lockHolder.pid));
    expect(await lockRow.locator('td[data-col=kind]').textContent()).toBe('shared');
    expect(await lockRow.locator('td[data-col=stale]').textContent()).toBe('keeps it (live)');
    await shot(page, 'repository-locks-live');

    // "Remove all" warns that the process is alive, and wants the name.
    await page.click('[data-testid=unlock-all]');
    await page.waitForSelector('[data-testid=unlock-alive-warning]');
    expect(await page.locator('[data-testid=unlock-alive-warning]').textContent()).toContain(
      `pid ${lockHolder.pid}`,
    );
    expect(await page.locator('[data-testid=unlock-all-confirm-submit]').isDisabled()).toBe(true);
    await shot(page, 'repository-unlock-all');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=unlock-all-confirm-input]').waitFor({ state: 'hidden' });

    // A plain unlock keeps the live lock.
    await page.click('[data-testid=unlock-stale]');
    await page.click('[data-testid=unlock-submit]');
    const result = page.locator('[data-testid=unlock-result]');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.textContent()).toContain('Removed 0 locks.');
    expect(await result.textContent()).toContain('1 lock remains');
    await page.keyboard.press('Escape');

    // Its process dies: the lock is now stale, and a plain unlock removes it.
    lockHolder.kill('SIGKILL');
    await new Promise((r) => lockHolder!.once('exit', r));
    await page.click('[data-testid=repo-refresh]');
    await expect
      .poll(() => page.locator('[data-testid=lock-row]').getAttribute('data-pid-state'), { timeout: 60_000 })
      .toBe('dead');
    expect(await page.locator('[data-testid=lock-row] td[data-col=stale]').textContent()).toBe(
      'removes it (stale)',
    );
    await page.click('[data-testid=unlock-stale]');
    await page.click('[data-testid=unlock-submit]');
    await page.locator('[data-testid=unlock-result]').waitFor({ timeout: 60_000 });
    expect(await page.locator('[data-testid=unlock-result]').textContent()).toContain('Removed 1 lock.');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => page.locator('[data-testid=locks-count]').textContent(), { timeout: 60_000 })
      .toContain('none');
    expect(await resticLocks()).toEqual([]);
  });

  it('lists keys, adds a per-host key (password write-only) and revokes it with its short id typed', async () => {
    await page.click('[data-testid=repo-tab-keys]');
    const rows = page.locator('[data-testid=key-row]');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-current')).toBe('true');

    await page.click('[data-testid=key-add]');
    await page.fill('[data-testid=key-host]', 'web-7');
    await page.fill('[data-testid=key-password]', 'e2e-host-password-7');
    await page.fill('[data-testid=key-password-repeat]', 'e2e-host-password-7');
    expect(await page.locator('[data-testid=key-add-command-text]').textContent()).toContain(
      'key add --host=web-7  # new password on stdin',
    );
    await shot(page, 'repository-key-add');
    await page.click('[data-testid=key-add-submit]');
    await page.locator('[data-testid=key-add-dialog]').waitFor({ state: 'hidden', timeout: 60_000 });
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(2);
    const added = rows.filter({ hasText: 'web-7' });
    const keyId = (await added.getAttribute('data-key-id'))!;
    // The new password opens the repository; it is in no job or audit record.
    const { stdout } = await run(newest.path, ['-r', repo.location, 'cat', 'config'], {
      env: {
        ...process.env,
        RESTIC_PASSWORD: 'e2e-host-password-7',
        RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-cache'),
      },
    });
    expect(stdout).toContain('"version"');
    const jobs = await apiValue<unknown[]>(serve, 'jobs.list', { limit: 200 });
    expect(JSON.stringify(jobs)).not.toContain('e2e-host-password-7');
    await shot(page, 'repository-keys');

    await added.locator('[data-testid=key-remove]').click();
    await page.fill('[data-testid=key-remove-confirm-input]', keyId.slice(0, 8));
    await page.click('[data-testid=key-remove-confirm-submit]');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(1);
    const keys = await resticJson<Array<{ id: string }>>(['key', 'list', '--json', '--no-lock']);
    expect(keys.map((k) => k.id)).not.toContain(keyId);
  });

  it('applies a retention policy with prune after the name is typed, following the job live', async () => {
    await page.click('[data-testid=repo-tab-retention]');
    await page.locator('[data-testid=retention-form]').waitFor();
    for (const k of ['keepDaily', 'keepWeekly', 'keepMonthly', 'keepHourly', 'keepYearly'])
      await page.fill(`[data-testid=retention-${k}]`, '');
    // Clear a tag left from an earlier policy (TagsInput: Backspace removes the last one).
    await page.locator('[data-testid=retention-keepTags]').click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Backspace');
    await page.fill('[data-testid=retention-keepLast]', '1');
    await page.click('[data-testid=retention-preview]');
    await page.waitForSelector('[data-testid=preview-table]', { timeout: 60_000 });
    const preview = await apiValue<{ groups: ForgetGroup[]; removeCount: number; keepCount: number }>(
      serve,
      'repos.forgetPreview',
      { id: repo.id, policy: { keepLast: 1 } },
    );
    expect(preview.removeCount).toBeGreaterThan(0);
    await expect
      .poll(() => page.locator('[data-testid=preview-remove-count]').textContent())
      .toBe(`removes ${preview.removeCount}`);
    await page.click('[data-testid=retention-prune]');
    await page.click('[data-testid=retention-forget]');
    expect(await page.locator('[data-testid=forget-command-text]').textContent()).toMatch(
      / forget --json --keep-last=1 && .* prune$/,
    );
    await page.fill('[data-testid=forget-confirm-input]', repo.name);
    await page.click('[data-testid=forget-confirm-submit]');
    const job = page.locator('[data-testid=forget-job]');
    await job.waitFor({ timeout: 30_000 });
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('succeeded');
    expect(await page.locator('[data-testid=forget-result-words]').textContent()).toBe(
      `Forgot ${preview.removeCount} snapshot(s); ${preview.keepCount} kept.`,
    );
    await shot(page, 'repository-retention-forgotten');
    const left = await resticJson<Snapshot[]>(['snapshots', '--json', '--no-lock']);
    expect(left.length).toBe(preview.keepCount);
    // The preview refreshed itself: the same policy now keeps everything.
    await expect
      .poll(() => page.locator('[data-testid=preview-remove-count]').textContent(), { timeout: 60_000 })
      .toBe('removes 0');
  });

  it('reported no page errors and no CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
