// End-to-end: the runner section of the Plans screen in Chromium against the
// REAL serve mode (demo fleet, newest restic, a plan on "this machine"):
// the cron field's live preview (words, next five runs, OnCalendar), bad
// input in words, install (a crontab entry: the rig has no systemd as PID
// 1), run now as a job followed to its end, the last status with the
// snapshot, then a failing pre-hook shown as failing with its reason, and
// uninstall. The runner's files go under RFC_RUNNER_PREFIX (a temp dir).
// Screenshots go to artifacts/screenshots/runner-*.png.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { execFile } from 'node:child_process';
import { mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Business, Repo, RunnerStatus } from '../../shared';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

const run = promisify(execFile);

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

describe('runner section of the Plans screen in serve mode (newest restic)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let planId = '';
  let prefix = '';
  let source = '';
  const problems: string[] = [];
  const newest = resticBinaries().at(-1)!;

  beforeAll(async () => {
    prefix = await makeTempDir('rfc-e2e-runner-root-');
    source = await makeTempDir('rfc-e2e-runner-src-');
    await fs.writeFile(join(source, 'orders.txt'), 'order 1\n');
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-runner-'),
      env: { RFC_RESTIC_BINARY: newest.path, RFC_RUNNER_PREFIX: prefix },
    });
    const demo = (await apiValue<Repo[]>(serve, 'repos.list')).find((r) => r.demo)!;
    const biz = (await apiValue<Business[]>(serve, 'businesses.list')).find(
      (b) => b.name === 'Demo business',
    )!;
    const plan = await apiValue<{ id: string }>(serve, 'plans.add', {
      name: 'orders',
      businessId: biz.id,
      hostId: 'local',
      repositoryId: demo.id,
      paths: [source],
    });
    planId = plan.id;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-plans]', { timeout: 60_000 });
  });

  afterAll(async () => {
    // Never leave a crontab entry behind, whatever happened.
    if (serve && planId) await apiValue(serve, 'runner.uninstall', { planId }).catch(() => undefined);
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('previews the schedule live and explains bad input', async () => {
    await page.click('[data-testid=nav-plans]');
    await page.click(`[data-testid=plan-row][data-name="orders"]`);
    await page.locator('[data-testid=runner-panel]').waitFor();
    await expect.poll(() => page.locator('[data-testid=runner-health]').textContent()).toBe('not installed');
    await page.fill('[data-testid=runner-cron]', '*/30 2-4 * * 1-5');
    const preview = page.locator('[data-testid=runner-schedule-preview]');
    await expect
      .poll(() => preview.textContent(), { timeout: 10_000 })
      .toContain('Every 30 minutes, between 02:00 and 04:59, Monday through Friday');
    expect(await preview.locator('time').count()).toBe(5);
    expect(await preview.textContent()).toContain('OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 02,03,04:00/30:00');
    await shot(page, 'runner-schedule-preview');
    await page.fill('[data-testid=runner-cron]', '61 * * * *');
    await expect
      .poll(() => page.locator('[data-testid=runner-schedule-error]').textContent(), { timeout: 10_000 })
      .toContain('minute 61 is outside 0–59');
    await page.fill('[data-testid=runner-cron]', '15 3 * * *');
    await preview.waitFor();
  });

  it('installs with a pre-hook, runs now, and shows the last run with its snapshot', async () => {
    const dump = join(source, 'dump.csv');
    await page.fill('[data-testid=runner-pre-hooks]', `printf 'id,total\\n1,42\\n' > ${dump}`);
    await page.click('[data-testid=runner-save]');
    await expect
      .poll(async () => (await apiValue<{ preHooks: string[] }>(serve, 'runner.config', { planId })).preHooks)
      .toEqual([`printf 'id,total\\n1,42\\n' > ${dump}`]);
    await page.click('[data-testid=runner-install]');
    await expect
      .poll(() => page.locator('[data-testid=runner-words]').textContent(), { timeout: 30_000 })
      .toBe('scheduled by cron, no run yet');
    expect((await run('crontab', ['-l'])).stdout).toContain(
      `15 3 * * * /bin/sh ${prefix}/usr/local/lib/rfc-runner/rfc-runner.sh run`,
    );
    await page.click('[data-testid=runner-run-now]');
    await expect
      .poll(() => page.locator('[data-testid=runner-job]').textContent(), { timeout: 60_000 })
      .toContain('succeeded');
    await expect
      .poll(() => page.locator('[data-testid=runner-words]').textContent(), { timeout: 30_000 })
      .toMatch(/^last run (just now|1 min ago) ok$/);
    const status = await apiValue<RunnerStatus>(serve, 'runner.status', { planId });
    expect(status.last?.summary?.snapshot_id).toBeTruthy();
    expect(await page.locator('[data-testid=runner-panel]').textContent()).toContain(
      status.last!.summary!.snapshot_id!.slice(0, 8),
    );
    await expect(fs.readFile(dump, 'utf8')).resolves.toBe('id,total\n1,42\n');
    await shot(page, 'runner-installed-ok');
  });

  it('shows a failing pre-hook as failing with its reason, then uninstalls', async () => {
    await page.fill('[data-testid=runner-pre-hooks]', 'echo "pg_dump: connection refused" >&2; exit 2');
    await page.click('[data-testid=runner-save]');
    await expect
      .poll(
        async () => (await apiValue<{ preHooks: string[] }>(serve, 'runner.config', { planId })).preHooks[0],
      )
      .toContain('exit 2');
    await page.click('[data-testid=runner-install]');
    await page.waitForTimeout(500);
    await page.click('[data-testid=runner-run-now]');
    await expect
      .poll(() => page.locator('[data-testid=runner-health]').textContent(), { timeout: 60_000 })
      .toBe('failing');
    expect(await page.locator('[data-testid=runner-words]').textContent()).toMatch(
      /failed: pre hook 1 exited 2: pg_dump: connection refused$/,
    );
    expect(await page.locator('[data-testid=runner-hook-failure]').textContent()).toContain(
      'Pre-backup hook 1 exited 2',
    );
    await shot(page, 'runner-hook-failed');
    await page.click('[data-testid=runner-uninstall]');
    await page.click('[data-testid=runner-uninstall-confirm]');
    await expect
      .poll(() => page.locator('[data-testid=runner-health]').textContent(), { timeout: 30_000 })
      .toBe('not installed');
    expect((await run('crontab', ['-l']).catch(() => ({ stdout: '' }))).stdout).not.toContain(
      `rfc-runner:${planId}`,
    );
    expect(problems).toEqual([]);
  });
});
