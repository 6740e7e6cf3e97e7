// End-to-end: the restore wizard in Chromium against the REAL serve mode
// (the demo fleet: a real local restic repository on "this machine", made by
// the newest restic). Every restore goes through the wizard — source,
// selection, target, preview, safety, run, result — and what lands on disk
// is compared byte for byte with what restic itself restores by hand.
// Screenshots of each step go to artifacts/screenshots/.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { appendFile, lstat, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { secretNames } from '../../electron/core/secrets/secret-store';
import type { Repo, RestoreRecord, Snapshot } from '../../shared';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

const run = promisify(execFile);

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** A CSS attribute value for any path (quotes, backslashes and unicode included). */
const attr = (value: string) => JSON.stringify(value);

/** Every entry under `root` by relative path: file contents (sha256), symlink targets, 'dir'. */
async function treeOf(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const name of await readdir(dir)) {
      const full = join(dir, name);
      const rel = relative(root, full);
      const st = await lstat(full);
      if (st.isSymbolicLink()) out.set(rel, `link:${await readlink(full)}`);
      else if (st.isDirectory()) {
        out.set(rel, 'dir');
        await walk(full);
      } else
        out.set(
          rel,
          createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        );
    }
  };
  await walk(root);
  return out;
}

/** Only the files (not folders) of a tree, sorted: what "byte for byte" compares. */
const filesOf = (tree: Map<string, string>) =>
  [...tree.entries()].filter(([, v]) => v !== 'dir').sort(([a], [b]) => (a < b ? -1 : 1));

const byTime = (a: { time: string }, b: { time: string }) => Date.parse(a.time) - Date.parse(b.time);

describe('restore wizard in serve mode (newest restic, demo fleet on this machine)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let repo: Repo;
  let password: string;
  const newest = resticBinaries().at(-1)!;

  const restic = async (args: string[]) =>
    run(newest.path, ['-r', repo.location, ...args], {
      env: { ...process.env, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-cache') },
      maxBuffer: 64 * 1024 * 1024,
    });
  const snapshotsNow = async () =>
    (await apiValue<{ snapshots: Snapshot[] }>(serve, 'snapshots.list', { repoId: repo.id })).snapshots;
  const planSnapshots = async (plan: string) =>
    (await snapshotsNow()).filter((s) => s.tags.includes(`plan:${plan}`)).sort(byTime);
  /** What restic itself restores (by hand, same snapshot and includes) into a fresh folder. */
  const referenceRestore = async (snapshotId: string, includes: string[] = []) => {
    const dir = await makeTempDir('rfc-e2e-ref-');
    await restic(['restore', snapshotId, '--target', dir, ...includes.map((i) => `--include=${i}`)]);
    return dir;
  };

  const openWizard = async () => {
    await page.click('[data-testid=nav-restore]');
    await page.waitForSelector('[data-testid=screen-restore]');
    await page.click('[data-testid=restore-tab-wizard]');
    if (await page.locator('[data-testid=restore-new]').count())
      await page.click('[data-testid=restore-new]');
    await page.waitForSelector('[data-testid=restore-step-source]');
  };
  const next = async () => {
    await page.locator('[data-testid=wizard-next]').click();
  };
  const pickSnapshot = async (snapshot: Snapshot) => {
    const row = page.locator(`[data-testid=restore-snapshot-row][data-snapshot-id="${snapshot.id}"]`);
    await row.waitFor();
    await row.click();
  };
  const waitResult = async (status: RestoreRecord['status'], timeout = 120_000) => {
    const result = page.locator('[data-testid=restore-result]');
    await result.waitFor({ timeout });
    expect(await result.getAttribute('data-status')).toBe(status);
    return (await result.getAttribute('data-restore-id'))!;
  };

  beforeAll(async () => {
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-restore-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
    });
    page = await context.newPage();
    problems = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    const demo = (await apiValue<Repo[]>(serve, 'repos.list')).find((r) => r.demo);
    if (!demo) throw new Error(`no demo repository\n${serve.output()}`);
    repo = demo;
    password = (await new FileSecretStore(join(serve.dataDir, 'secrets')).get(
      secretNames.repoPassword(repo.id),
    ))!;
    expect(password).toBeTruthy();
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-restore]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('restores ticked files into a folder on this machine, an unticked one left out, byte for byte', async () => {
    const latest = (await planSnapshots('app')).at(-1)!;
    const appData = latest.paths[0]!;
    const config = `${appData}/config`;
    const unicodeFile = `${appData}/uploads/quarterly report "Q3" — 报告.csv`;
    const invoice = `${appData}/uploads/2026/invoice-0001.pdf`;
    const out = await makeTempDir('rfc-e2e-out-');

    await openWizard();
    // One business, one repository, one host: taken without a click; the snapshot is picked in the table.
    await expect
      .poll(() => page.locator('[data-testid=restore-host]').inputValue())
      .toBe(`${latest.hostname} · 6 snapshots`);
    await pickSnapshot(latest);
    await shot(page, 'restore-1-source');
    await next();

    // Selection: a folder and a unicode, quoted name ticked in the tree, a file found by name.
    await page.waitForSelector('[data-testid=restore-step-selection]');
    await page.getByText('Pick files and folders').click();
    const node = (path: string) => page.locator(`[data-testid=restore-tree-node][data-path=${attr(path)}]`);
    await node(config).locator('[data-testid=restore-tree-tick]').click();
    await node(`${appData}/uploads`).locator('[data-testid=restore-tree-twisty]').click();
    await node(unicodeFile).locator('[data-testid=restore-tree-tick]').click();
    expect(await node(`${appData}/uploads`).getAttribute('data-tick')).toBe('partial');
    // The keyboard does the same: Space on the active row unticks and ticks it again.
    await node(unicodeFile).locator('p').first().click();
    await page.keyboard.press('Space');
    expect(await node(unicodeFile).getAttribute('data-tick')).toBe('unchecked');
    await page.keyboard.press('Space');
    expect(await node(unicodeFile).getAttribute('data-tick')).toBe('checked');
    expect(await node(`${config}/app.yaml`).count()).toBe(0); // a ticked folder need not be open
    await page.fill('[data-testid=restore-find-input]', 'invoice-0001');
    await page.click('[data-testid=restore-find]');
    const match = page.locator(`[data-testid=restore-find-match][data-path=${attr(invoice)}]`);
    await match.locator('input[type=checkbox]').check();
    await expect
      .poll(() => page.locator('[data-testid=restore-selection-count]').getAttribute('data-entries'))
      .toBe('3');
    await shot(page, 'restore-2-selection');
    await next();

    // Target: a folder on this machine.
    await page.waitForSelector('[data-testid=restore-step-target]');
    await page.locator('[data-testid=restore-target-localFolder]').check();
    await page.fill('[data-testid=restore-target-path]', out);
    await expect
      .poll(() => page.locator('[data-testid=restore-target-caps]').textContent())
      .toContain('restic 0.');
    await shot(page, 'restore-3-target');
    await next();

    // Preview: restic's dry run, four files to create; one unticked leaves the totals.
    const preview = page.locator('[data-testid=restore-preview]');
    await preview.waitFor({ timeout: 60_000 });
    expect(await preview.getAttribute('data-method')).toBe('dry-run');
    expect(await page.locator('[data-testid=restore-total-create]').getAttribute('data-files')).toBe('4');
    const flags = page.locator(
      `[data-testid=restore-preview-item][data-path=${attr(`${config}/feature-flags.json`)}]`,
    );
    await flags.locator('[data-testid=restore-preview-tick]').uncheck();
    expect(await page.locator('[data-testid=restore-total-create]').getAttribute('data-files')).toBe('3');
    expect(await page.locator('[data-testid=restore-preview-command-text]').textContent()).toContain(
      'RESTIC_PASSWORD=***',
    );
    await shot(page, 'restore-4-preview');
    await next();

    // Safety: not in place, so no safety snapshot and no typed name.
    const confirm = page.locator('[data-testid=restore-step-confirm]');
    await confirm.waitFor();
    expect(await confirm.getAttribute('data-safety')).toBe('none');
    await shot(page, 'restore-5-confirm-folder');
    await page.click('[data-testid=restore-start]');

    const restoreId = await waitResult('succeeded');
    await shot(page, 'restore-7-result-folder');
    const record = await apiValue<RestoreRecord>(serve, 'restore.get', { id: restoreId });
    expect(record.excludedCount).toBe(1);
    // (restic's files_restored counts the folders it made too: the files on disk are compared below.)
    expect(record.summary?.filesRestored).toBeGreaterThanOrEqual(3);

    // What landed equals what restic restores by hand for the same three files.
    const ref = await referenceRestore(latest.id, [`${config}/app.yaml`, unicodeFile, invoice]);
    const got = filesOf(await treeOf(out));
    expect(got).toEqual(filesOf(await treeOf(ref)));
    expect(got.map(([p]) => `/${p}`)).toEqual(
      expect.arrayContaining([`${config}/app.yaml`, unicodeFile, invoice]),
    );
    expect(got.some(([p]) => p.endsWith('feature-flags.json'))).toBe(false);
    // The commands are shown with the password masked.
    const command = await page.locator('[data-testid=restore-command-0-text]').textContent();
    expect(command).toContain('restore');
    expect(command).not.toContain(password);
  });

  it('writes a whole snapshot as a tar archive on this machine, the same bytes restic restores', async () => {
    const db = (await planSnapshots('db')).at(-1)!;
    const dir = await makeTempDir('rfc-e2e-archive-');

    await openWizard();
    // "Latest before" a minute after the dump: resolved from the host's snapshots to that dump.
    await page.getByText('Latest before a date and time').click();
    const after = new Date(Date.parse(db.time) + 60_000);
    const p2 = (n: number) => String(n).padStart(2, '0');
    await page.fill(
      '[data-testid=restore-before]',
      `${after.getFullYear()}-${p2(after.getMonth() + 1)}-${p2(after.getDate())}T${p2(after.getHours())}:${p2(after.getMinutes())}`,
    );
    await expect
      .poll(() => page.locator('[data-testid=restore-resolved]').getAttribute('data-snapshot-id'))
      .toBe(db.id);
    await shot(page, 'restore-1-source-latest-before');
    await next();
    await page.waitForSelector('[data-testid=restore-step-selection]');
    await next(); // the whole snapshot (the default)
    await page.locator('[data-testid=restore-target-localArchive]').check();
    await page.fill('[data-testid=restore-archive-directory]', dir);
    await shot(page, 'restore-3-target-archive');
    await next();
    const preview = page.locator('[data-testid=restore-preview]');
    await preview.waitFor({ timeout: 60_000 });
    expect(await preview.getAttribute('data-method')).toBe('archive');
    // An archive has no overwrite or delete: those options are not offered.
    expect(await page.locator('[data-testid=restore-options]').count()).toBe(0);
    await shot(page, 'restore-4-preview-archive');
    await next();
    await page.click('[data-testid=restore-start]');
    const restoreId = await waitResult('succeeded');
    await shot(page, 'restore-7-result-archive');

    const record = await apiValue<RestoreRecord>(serve, 'restore.get', { id: restoreId });
    expect(record.archivePath).toBeTruthy();
    expect(dirname(record.archivePath!)).toBe(dir);
    expect(await page.locator('[data-testid=restore-archive-path]').textContent()).toContain(
      record.archivePath,
    );
    const extracted = await makeTempDir('rfc-e2e-untar-');
    await run('tar', ['-xf', record.archivePath!, '-C', extracted]);
    const ref = await referenceRestore(db.id);
    expect(filesOf(await treeOf(extracted)).length).toBeGreaterThan(0);
    expect(filesOf(await treeOf(extracted))).toEqual(filesOf(await treeOf(ref)));
  });

  it('restores in place after a safety snapshot (host name typed), and Undo brings back the previous state byte for byte', async () => {
    const apps = await planSnapshots('app');
    const oldest = apps[0]!;
    const appData = oldest.paths[0]!;
    // The live folder has moved on since: a changed file and one the snapshot never had.
    await appendFile(join(appData, 'config', 'app.yaml'), 'edited: after the backup\n');
    await writeFile(join(appData, 'written-after-backup.txt'), 'not in any snapshot\n');
    const before = await treeOf(appData);

    await openWizard();
    await pickSnapshot(oldest);
    await next();
    await page.waitForSelector('[data-testid=restore-step-selection]');
    await next();
    await page.locator('[data-testid=restore-target-original]').check();
    // The snapshot's host name matches no inventory host: the wizard asks, and does not guess.
    const hostSelect = page.locator('[data-testid=restore-original-host]');
    if ((await hostSelect.inputValue()) === '') {
      await hostSelect.click();
      await page.getByRole('option', { name: 'this machine' }).click();
    }
    await shot(page, 'restore-3-target-original');
    await next();

    const preview = page.locator('[data-testid=restore-preview]');
    await preview.waitFor({ timeout: 60_000 });
    expect(
      Number(await page.locator('[data-testid=restore-total-overwrite]').getAttribute('data-files')),
    ).toBeGreaterThan(0);
    await shot(page, 'restore-4-preview-original');
    await next();

    const confirm = page.locator('[data-testid=restore-step-confirm]');
    await confirm.waitFor();
    expect(await confirm.getAttribute('data-safety')).toBe('required');
    expect(await page.locator('[data-testid=restore-safety]').textContent()).toContain(appData);
    await shot(page, 'restore-5-safety');
    await page.click('[data-testid=restore-start]');
    // The host name must be typed exactly.
    await page.fill('[data-testid=restore-confirm-input]', 'this machin');
    expect(await page.locator('[data-testid=restore-confirm-submit]').isDisabled()).toBe(true);
    await page.fill('[data-testid=restore-confirm-input]', 'this machine');
    await shot(page, 'restore-5-safety-typed');
    await page.click('[data-testid=restore-confirm-submit]');

    const restoreId = await waitResult('succeeded');
    await shot(page, 'restore-7-result-in-place');
    const record = await apiValue<RestoreRecord>(serve, 'restore.get', { id: restoreId });
    expect(record.safetySnapshotId).toBeTruthy();
    // The safety snapshot is in the repository, tagged, holding the state from before.
    const safety = (await snapshotsNow()).find((s) => s.id === record.safetySnapshotId);
    expect(safety?.tags).toContain('rfc-safety');
    expect(safety?.paths).toEqual([appData]);

    // Every file of the snapshot is back as restic restores it; the extra file is still there (no delete).
    const ref = await referenceRestore(oldest.id);
    const restored = await treeOf(appData);
    for (const [path, hash] of filesOf(await treeOf(join(ref, appData))))
      expect(restored.get(path)).toBe(hash);
    expect(restored.get('written-after-backup.txt')).toBe(before.get('written-after-backup.txt'));
    expect(restored.get(join('config', 'app.yaml'))).not.toBe(before.get(join('config', 'app.yaml')));

    // Undo: the host name typed again, then the wizard follows the undo to its end.
    expect(await page.locator('[data-testid=restore-safety-result]').textContent()).toContain(
      record.safetySnapshotId!.slice(0, 8),
    );
    await page.click('[data-testid=restore-undo]');
    await page.fill('[data-testid=restore-undo-confirm-input]', 'this machine');
    await shot(page, 'restore-undo-confirm');
    await page.click('[data-testid=restore-undo-confirm-submit]');
    await expect
      .poll(() => page.locator('[data-testid=restore-result]').getAttribute('data-restore-id'), {
        timeout: 120_000,
      })
      .not.toBe(restoreId);
    const undoId = await waitResult('succeeded');
    await shot(page, 'restore-7-result-undo');
    const undo = await apiValue<RestoreRecord>(serve, 'restore.get', { id: undoId });
    expect(undo.undoOf).toBe(restoreId);
    expect((await apiValue<RestoreRecord>(serve, 'restore.get', { id: restoreId })).undoneBy).toBe(undoId);

    // Byte for byte what was there before the restore, nothing more, nothing less.
    expect(filesOf(await treeOf(appData))).toEqual(filesOf(before));
  });

  it('re-attaches to a running restore after a reload, shows live progress, and cancels it leaving no restic and no lock', async () => {
    // A bigger snapshot (made by restic by hand), restored with a bandwidth limit so it is still running.
    const bigDir = join(dirname(repo.location), 'source', 'big-data');
    mkdirSync(bigDir, { recursive: true });
    await writeFile(join(bigDir, 'blob.bin'), randomBytes(64 * 1024 * 1024));
    await restic(['backup', '--tag', 'plan:big', bigDir]);
    const big = (await planSnapshots('big')).at(-1)!;
    const out = await makeTempDir('rfc-e2e-slow-');

    await openWizard();
    await pickSnapshot(big);
    await next();
    await page.waitForSelector('[data-testid=restore-step-selection]');
    await next();
    await page.locator('[data-testid=restore-target-localFolder]').check();
    await page.fill('[data-testid=restore-target-path]', out);
    await next();
    await page.locator('[data-testid=restore-preview]').waitFor({ timeout: 60_000 });
    await page.fill('[data-testid=restore-opt-limit]', '2048');
    await page.locator('[data-testid=restore-preview]').waitFor({ timeout: 60_000 });
    await next();
    expect(await page.locator('[data-testid=restore-confirm-summary]').textContent()).toContain('snapshot');
    expect(await page.locator('[data-testid=restore-step-confirm]').textContent()).toContain('2048 KiB/s');
    await page.click('[data-testid=restore-start]');
    const runPanel = page.locator('[data-testid=restore-run]');
    await runPanel.waitFor({ timeout: 60_000 });
    const restoreId = (await runPanel.getAttribute('data-restore-id'))!;

    // The window goes away and comes back: the wizard finds the restore still running.
    await page.reload();
    await page.waitForSelector('[data-testid=screen-restore]', { timeout: 60_000 });
    await expect
      .poll(() => page.locator('[data-testid=restore-run]').getAttribute('data-restore-id'), {
        timeout: 30_000,
      })
      .toBe(restoreId);
    await expect
      .poll(() => page.locator('[data-testid=restore-stat-bytes]').textContent(), { timeout: 60_000 })
      .toMatch(/\/ 64\.0 MiB/);
    await expect
      .poll(() => page.locator('[data-testid=restore-stat-rate]').textContent(), { timeout: 30_000 })
      .not.toBe('—');
    // Bytes arrive as restic writes them (the bar moves before the file is complete; restic first reads a whole pack).
    await expect
      .poll(
        async () =>
          Number((await page.locator('[data-testid=restore-progress]').getAttribute('data-percent')) || 0),
        {
          timeout: 60_000,
        },
      )
      .toBeGreaterThan(0);
    // Between restic's bursts the rate is the average so far, never a false stall.
    expect(await page.locator('[data-testid=restore-stat-rate]').textContent()).toMatch(
      /^[1-9][\d.]* (B|KiB|MiB)\/s$/,
    );
    await shot(page, 'restore-6-run');

    await page.click('[data-testid=restore-cancel]');
    await waitResult('cancelled');
    await shot(page, 'restore-7-result-cancelled');
    // No restic left running against this repository, and no lock left behind.
    const { stdout: ps } = await run('ps', ['-eo', 'args']);
    expect(
      ps
        .split('\n')
        .filter((l) => l.includes('restic') && l.includes(repo.location) && l.includes(' restore')),
    ).toEqual([]);
    const { stdout: locks } = await restic(['list', 'locks', '--no-lock']);
    expect(locks.trim()).toBe('');
  });

  it('a file the target refuses makes the restore partial, listing that file, with everything else restored', async () => {
    const latest = (await planSnapshots('app')).at(-1)!;
    const appData = latest.paths[0]!;
    const out = await makeTempDir('rfc-e2e-partial-');
    // An immutable file where the restore writes config/app.yaml: even root cannot write it.
    const blocked = join(out, appData, 'config', 'app.yaml');
    mkdirSync(dirname(blocked), { recursive: true });
    await writeFile(blocked, 'old\n');
    await run('chattr', ['+i', blocked]);
    try {
      await openWizard();
      await pickSnapshot(latest);
      await next();
      await page.waitForSelector('[data-testid=restore-step-selection]');
      await next();
      await page.locator('[data-testid=restore-target-localFolder]').check();
      await page.fill('[data-testid=restore-target-path]', out);
      await next();
      await page.locator('[data-testid=restore-preview]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid=restore-opt-overwrite]').click();
      await page.getByRole('option', { name: 'Always overwrite' }).click();
      await page.locator('[data-testid=restore-preview]').waitFor({ timeout: 60_000 });
      await next();
      await page.click('[data-testid=restore-start]');
      const restoreId = await waitResult('partial');
      const errors = page.locator('[data-testid=restore-error-row]');
      expect(await errors.count()).toBe(1);
      expect(await errors.first().textContent()).toContain(`${appData}/config/app.yaml`);
      expect(await page.locator('[data-testid=restore-result-words]').textContent()).toContain(
        'Files that did not make it: 1',
      );
      await shot(page, 'restore-7-result-partial');
      const record = await apiValue<RestoreRecord>(serve, 'restore.get', { id: restoreId });
      expect(record.errors.map((e) => e.path)).toEqual([`${appData}/config/app.yaml`]);
    } finally {
      await run('chattr', ['-i', blocked]);
    }
    // Nothing else lost: every other file is as restic restores it.
    const ref = await referenceRestore(latest.id);
    const expected = filesOf(await treeOf(ref)).filter(([p]) => !p.endsWith(join('config', 'app.yaml')));
    const got = new Map(filesOf(await treeOf(out)));
    for (const [path, hash] of expected) expect(got.get(path)).toBe(hash);
    expect(await readFile(blocked, 'utf8')).toBe('old\n');
  });

  it('lists past restores in History, with the undo and the undone one marked, and opens one', async () => {
    await page.click('[data-testid=restore-tab-history]');
    const rows = page.locator('[data-testid=restore-history-row]');
    await rows.first().waitFor();
    const listed = await apiValue<RestoreRecord[]>(serve, 'restore.list', { limit: 50 });
    expect(await rows.count()).toBe(listed.length);
    expect(listed.length).toBeGreaterThanOrEqual(4);
    const undo = listed.find((r) => r.undoOf)!;
    const undoRow = page.locator(`[data-testid=restore-history-row][data-restore-id="${undo.id}"]`);
    expect(await undoRow.textContent()).toContain('undo');
    expect(
      await page.locator(`[data-testid=restore-history-row][data-restore-id="${undo.undoOf}"]`).textContent(),
    ).toContain('undone');
    await shot(page, 'restore-history');
    await undoRow.click();
    await page.waitForSelector(
      `[data-testid=restore-history-drawer] [data-testid=restore-result][data-restore-id="${undo.id}"]`,
    );
    await shot(page, 'restore-history-detail');
    await page.keyboard.press('Escape');
  });

  it('opens the wizard from a file in the snapshot tree with it ticked', async () => {
    const latest = (await planSnapshots('app')).at(-1)!;
    const file = `${latest.paths[0]}/config/app.yaml`;
    await page.click('[data-testid=nav-repositories]');
    await page.click(`[data-testid=repo-row][data-repo-id="${repo.id}"]`);
    await page.click('[data-testid=repo-open]');
    await page.click('[data-testid=repo-tab-snapshots]');
    await page.click(`[data-testid=snapshot-row][data-snapshot-id="${latest.id}"]`);
    await page.click('[data-testid=snapshot-open]');
    await page.waitForSelector('[data-testid=tree-node]');
    await page.fill('[data-testid=find-input]', 'app.yaml');
    await page.click('[data-testid=find-submit]');
    await page.locator('[data-testid=find-match]').first().click();
    await page.click('[data-testid=tree-restore]');
    await page.waitForSelector('[data-testid=restore-step-target]');
    await page.click('[data-testid=restore-stepper-selection]');
    await page.waitForSelector('[data-testid=restore-step-selection]');
    expect(
      await page
        .locator('[data-testid=restore-selection-item]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-path'))),
    ).toEqual([file]);
    // The tree opens the way to what was handed over, ticked.
    await expect
      .poll(() =>
        page.locator(`[data-testid=restore-tree-node][data-path=${attr(file)}]`).getAttribute('data-tick'),
      )
      .toBe('checked');
    await shot(page, 'restore-from-snapshot-tree');
  });

  it('reported no page errors', () => {
    expect(problems).toEqual([]);
  });
});

describe('restore wizard with restic 0.14 on the target (no dry run, no overwrite policies)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let repo: Repo;
  let password: string;
  const oldest = resticBinaries()[0]!;

  beforeAll(async () => {
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-restore-014-'),
      env: { RFC_RESTIC_BINARY: oldest.path },
    });
    browser = await launchChromium();
    page = await (
      await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
    ).newPage();
    repo = (await apiValue<Repo[]>(serve, 'repos.list')).find((r) => r.demo)!;
    password = (await new FileSecretStore(join(serve.dataDir, 'secrets')).get(
      secretNames.repoPassword(repo.id),
    ))!;
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-restore]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('shows the options 0.14 cannot do disabled with the reason, previews by listing, and restores byte for byte', async () => {
    expect(oldest.version.startsWith('0.14')).toBe(true);
    const snapshots = (
      await apiValue<{ snapshots: Snapshot[] }>(serve, 'snapshots.list', { repoId: repo.id })
    ).snapshots;
    const latest = snapshots
      .filter((s) => s.tags.includes('plan:app'))
      .sort(byTime)
      .at(-1)!;
    const out = await makeTempDir('rfc-e2e-out-014-');

    await page.click('[data-testid=nav-restore]');
    await page.locator(`[data-testid=restore-snapshot-row][data-snapshot-id="${latest.id}"]`).click();
    await page.click('[data-testid=wizard-next]');
    await page.click('[data-testid=wizard-next]');
    await page.locator('[data-testid=restore-target-localFolder]').check();
    await page.fill('[data-testid=restore-target-path]', out);
    await expect
      .poll(() => page.locator('[data-testid=restore-target-caps]').textContent())
      .toContain('restic 0.14');
    await page.click('[data-testid=wizard-next]');
    const preview = page.locator('[data-testid=restore-preview]');
    await preview.waitFor({ timeout: 60_000 });
    expect(await preview.getAttribute('data-method')).toBe('listing');
    const caps = await apiValue<{ overwrite: { supported: boolean; reason?: string } }>(
      serve,
      'restore.capabilities',
      { hostId: 'local' },
    );
    expect(caps.overwrite.supported).toBe(false);
    expect(await page.locator('[data-testid=restore-opt-overwrite]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=restore-opt-delete]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid=restore-options]').textContent()).toContain(
      caps.overwrite.reason ?? '',
    );
    await shot(page, 'restore-4-preview-restic-014');
    await page.click('[data-testid=wizard-next]');
    await page.click('[data-testid=restore-start]');
    const result = page.locator('[data-testid=restore-result]');
    await result.waitFor({ timeout: 120_000 });
    expect(await result.getAttribute('data-status')).toBe('succeeded');

    const ref = await makeTempDir('rfc-e2e-ref-014-');
    await run(oldest.path, ['-r', repo.location, 'restore', latest.id, '--target', ref], {
      env: { ...process.env, RESTIC_PASSWORD: password, RESTIC_CACHE_DIR: join(serve.dataDir, 'e2e-cache') },
    });
    expect(filesOf(await treeOf(out))).toEqual(filesOf(await treeOf(ref)));
  });
});
