// End-to-end: restore drills in Chromium against the REAL serve mode (the
// demo fleet: a real local restic repository made by the newest restic).
// A drill is run from the Drills tab of the Restore screen, passes, its
// detail says every sampled file matched; the demo business gets a drill
// schedule through the edit dialog; the daily check then shows the drill
// item passed for the demo repository. Screenshots go to
// artifacts/screenshots/.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DailyCheckItem, DrillResult, DrillSchedule, Repo } from '../../shared';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

describe('restore drills in the browser (demo fleet)', () => {
  const newest = resticBinaries().at(-1)!;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let scratch: string;
  const problems: string[] = [];

  beforeAll(async () => {
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-drills-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    scratch = await makeTempDir('rfc-e2e-scratch-');
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
    });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-restore]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await cleanupTempDirs();
  });

  it('runs a drill from the panel, shows it passed with its detail, and schedules the business', async () => {
    const demo = (await apiValue<Repo[]>(serve, 'repos.list')).find((r) => r.demo)!;
    await page.click('[data-testid=nav-restore]');
    await page.click('[data-testid=restore-tab-drills]');
    await page.waitForSelector('[data-testid=drills-panel]');

    await page.fill('[data-testid=drill-scratch]', scratch);
    await page.fill('[data-testid=drill-sample]', '5');
    await page.click('[data-testid=drill-run]');
    const passed = page.locator('[data-testid=drill-row][data-status=passed]').first();
    await passed.waitFor({ timeout: 120_000 });
    const drills = await apiValue<DrillResult[]>(serve, 'drills.list', {});
    expect(drills).toHaveLength(1);
    expect(drills[0]).toMatchObject({ status: 'passed', repoId: demo.id, filesChecked: 5, mismatches: [] });
    expect(readdirSync(scratch)).toEqual([]);

    await passed.click();
    const detail = page.locator('[data-testid=drill-detail]');
    await detail.waitFor();
    expect(await detail.textContent()).toContain('All 5 files matched the snapshot byte for byte.');
    await shot(page, 'drills-panel');

    // The demo business's schedule, through the dialog.
    const row = page.locator('[data-testid=drill-schedule-row][data-business="Demo business"]');
    await row.locator('[data-testid=drill-schedule-edit]').click();
    await page.waitForSelector('[data-testid=drill-schedule-days]');
    await page.fill('[data-testid=drill-schedule-days]', '7');
    await page.fill('[data-testid=drill-schedule-scratch]', scratch);
    await shot(page, 'drills-schedule-dialog');
    await page.click('[data-testid=drill-schedule-save]');
    await page.locator('[data-testid=drill-schedule-days]').waitFor({ state: 'detached' });
    await expect.poll(async () => row.textContent()).toContain('Every 7 days');
    await shot(page, 'drills-scheduled');
    const [schedule] = await apiValue<DrillSchedule[]>(serve, 'drills.schedules', {});
    expect(schedule).toMatchObject({ everyDays: 7, enabled: true, scratchPath: scratch });
    // Counted from the drill just run: due in 7 days, not now.
    expect(Date.parse(schedule!.nextRunAt!) - Date.parse(drills[0]!.startedAt)).toBe(7 * 86_400_000);
    expect(problems).toEqual([]);
  });

  it('shows the passed drill on the daily-check board', async () => {
    await page.click('[data-testid=nav-dailyCheck]');
    await page.click('[data-testid=check-run]');
    await page.locator('[data-testid=check-summary]').waitFor({ timeout: 90_000 });
    await expect
      .poll(async () => page.locator('[data-testid=check-run]').isDisabled(), { timeout: 90_000 })
      .toBe(false);
    const latest = await apiValue<{ items: DailyCheckItem[] }>(serve, 'fleet.check', {});
    const drill = latest.items.find((i) => i.item === 'drill');
    expect(drill).toMatchObject({ status: 'ok', businessName: 'Demo business' });
    expect(drill!.reason).toMatch(/^restore drill passed .* ago \(5 files identical on /);
    const onPage = page.getByText(drill!.reason, { exact: false }).first();
    await onPage.waitFor({ timeout: 30_000 });
    await shot(page, 'drills-board');
    expect(problems).toEqual([]);
  });

  it('shows a drill that could not make its scratch folder as failed, with the reason in words', async () => {
    await page.click('[data-testid=nav-restore]');
    await page.click('[data-testid=restore-tab-drills]');
    await page.fill('[data-testid=drill-scratch]', '/proc/rfc-no-such-place');
    await page.click('[data-testid=drill-run]');
    const failed = page.locator('[data-testid=drill-row][data-status=failed]').first();
    await failed.waitFor({ timeout: 120_000 });
    expect(await failed.textContent()).toContain('/proc/rfc-no-such-place');
    await page.locator('[data-testid=drill-progress][data-status=failed]').waitFor();
    await shot(page, 'drills-failed');
    expect(problems).toEqual([]);
  });
});
