// End-to-end: the MinIO screen in Chromium against the real serve mode and a
// real four-drive MinIO. A wrong key is refused in the form, the right one
// is saved (its secret never reaches the page again), the health panel shows
// what the server reports (drives, parity, tolerance, buckets with quota),
// a drive taken away shows as degraded after a refresh, and the connection
// is removed with its name typed. Screenshots go to artifacts/screenshots/.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinioAdmin, MinioS3 } from '../../electron/core/minio';
import { resticBinaries } from '../support/peers';
import { startMinio, type MinioServer } from '../support/minio';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

describe('MinIO screen in serve mode (real four-drive MinIO)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let minio: MinioServer;
  const problems: string[] = [];
  const newest = resticBinaries().at(-1)!;

  beforeAll(async () => {
    // The scanner at full speed reports bucket usage within seconds (it normally lags by minutes).
    minio = await startMinio({ drives: 4, env: { MINIO_SCANNER_SPEED: 'fastest' } });
    const cfg = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
    const s3 = new MinioS3(cfg);
    const admin = new MinioAdmin(cfg);
    for (const b of ['acme-backup', 'globex-backup', 'scratch']) await s3.makeBucket(b);
    await admin.setBucketQuota('acme-backup', 1024 ** 2);
    await admin.setBucketQuota('globex-backup', 200 * 1024 ** 3);
    await s3.putObject('acme-backup', 'data', Buffer.alloc(880 * 1024, 7));
    await s3.putObject('globex-backup', 'config', Buffer.alloc(64 * 1024, 7));
    // Until the scanner has seen both buckets, the panel would say "not scanned".
    const deadline = Date.now() + 60_000;
    while (Object.keys((await admin.dataUsage()).bucketsUsageInfo).length < 2) {
      if (Date.now() > deadline) throw new Error('the MinIO scanner did not report bucket usage');
      await new Promise((r) => setTimeout(r, 500));
    }
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-minio-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
    });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(serve.url);
    await page.click('[data-testid=nav-minio]', { timeout: 60_000 });
    await page.waitForSelector('[data-testid=screen-minio]');
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await minio?.dispose();
    await cleanupTempDirs();
  });

  const fill = async (testId: string, value: string) => {
    const input = page.locator(`[data-testid=${testId}]`);
    await input.fill(value);
  };

  it('refuses a wrong admin key in the form and saves nothing', async () => {
    await page.click('[data-testid=minio-add]');
    await fill('minio-form-name', 'main');
    await fill('minio-form-endpoint', minio.endpoint);
    await fill('minio-form-access-key', minio.accessKey);
    await fill('minio-form-secret', 'not-the-right-secret');
    await expect
      .poll(() => page.locator('[data-testid=minio-form-command]').textContent())
      .toContain(`mc alias set main ${minio.endpoint} ${minio.accessKey} '********'`);
    await page.click('[data-testid=minio-form-submit]');
    const alert = page.locator('[data-testid=minio-form] [role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/secret key does not match/);
    await shot(page, 'minio-form-wrong-key');
    expect(await apiValue<unknown[]>(serve, 'minio.list')).toEqual([]);
  });

  it('saves the right key, then shows the healthy set: 4 drives, parity 2, tolerance, buckets with quota', async () => {
    await fill('minio-form-secret', minio.secretKey);
    await page.click('[data-testid=minio-form-submit]');
    await page.locator('[data-testid=minio-form-name]').waitFor({ state: 'detached' });
    await page.locator('[data-testid=minio-row][data-name=main]').waitFor();
    // The server is healthy; the fullest bucket (86 % of its quota) makes the whole a warning.
    const panel = page.locator('[data-testid=minio-panel][data-status=warning]');
    await panel.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=minio-reasons]').textContent()).toMatch(
      /all 4 drives online; 1 drive more may fail with writes going on \(2 drives for reads\)/,
    );
    expect(await page.locator('[data-testid=minio-tolerance]').textContent()).toMatch(
      /4 online, 0 offline.*Parity: 2/,
    );
    expect(await page.locator('[data-testid=minio-probe-write]').getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-testid=minio-bucket-row]').count()).toBe(3);
    const acme = page.locator('[data-testid=minio-bucket-row][data-name=acme-backup]');
    expect(await acme.getAttribute('data-status')).toBe('warning');
    expect(await acme.textContent()).toMatch(/880 KiB.*1\.00 MiB.*85\.9%/);
    // Sorted by use of quota, fullest first.
    expect(await page.locator('[data-testid=minio-bucket-row]').first().getAttribute('data-name')).toBe(
      'acme-backup',
    );
    expect(await page.locator('[data-testid=minio-usage-note]').textContent()).toMatch(
      /lag behind by minutes \(last scan/,
    );
    await shot(page, 'minio-healthy');
    // The page never received the secret.
    expect(await page.content()).not.toContain(minio.secretKey);

    await page.click('[data-testid=minio-tab-drives]');
    expect(await page.locator('[data-testid=minio-drive-row][data-online=true]').count()).toBe(4);
    await page.click('[data-testid=minio-tab-commands]');
    expect(await page.locator('[data-testid=minio-commands]').textContent()).toContain('mc admin info main');
    await page.click('[data-testid=minio-tab-buckets]');
  });

  it('a drive taken away shows as degraded after a refresh, with the remaining tolerance', async () => {
    await minio.stop();
    rmSync(minio.dataDirs[1]!, { recursive: true, force: true });
    writeFileSync(minio.dataDirs[1]!, 'not a drive');
    await minio.start();
    await page.click('[data-testid=minio-refresh]');
    // The bucket at 86 % already made it a warning: wait for the drive to show.
    await expect
      .poll(() => page.locator('[data-testid=minio-tolerance]').textContent(), { timeout: 30_000 })
      .toMatch(/3 online, 1 offline/);
    expect(await page.locator('[data-testid=minio-reasons]').textContent()).toContain(
      '1 of 4 drives offline; no further drive may fail without stopping writes; reads survive 1 drive more',
    );
    expect(await page.locator('[data-testid=minio-tolerance]').textContent()).toMatch(
      /3 online, 1 offline.*0 more may fail for writes, 1 for reads/,
    );
    await page.click('[data-testid=minio-tab-drives]');
    expect(await page.locator('[data-testid=minio-drive-row][data-online=false]').count()).toBe(1);
    await shot(page, 'minio-degraded');
    await page.click('[data-testid=minio-tab-buckets]');
  });

  it('the daily check board carries the MinIO item with its reason', async () => {
    const started = await apiValue<{ jobId: string; checkId: string }>(serve, 'fleet.dailyCheck', {});
    await expect
      .poll(
        async () =>
          (await apiValue<{ job: { status: string } }>(serve, 'jobs.get', { id: started.jobId })).job.status,
        {
          timeout: 120_000,
        },
      )
      .toMatch(/succeeded|partial|failed/);
    const check = await apiValue<{ items: { item: string; status: string; reason: string }[] }>(
      serve,
      'fleet.check',
      {
        id: started.checkId,
      },
    );
    const item = check.items.find((i) => i.item === 'minio');
    expect(item).toMatchObject({ status: 'warning' });
    expect(item!.reason).toMatch(/MinIO main: 1 of 4 drives offline/);
    await page.click('[data-testid=nav-dailyCheck]');
    await page.getByText('MinIO main', { exact: false }).first().waitFor({ timeout: 30_000 });
    await shot(page, 'minio-daily-check-board');
    await page.click('[data-testid=nav-minio]');
    await page.waitForSelector('[data-testid=screen-minio]');
  });

  it('removes the connection with its name typed', async () => {
    await page.click('[data-testid=minio-row][data-name=main] [data-testid=minio-remove]');
    await page.locator('[data-testid=minio-remove-confirm-input]').waitFor();
    await page.locator('[data-testid=minio-remove-confirm-input]').fill('main');
    await page.click('[data-testid=minio-remove-confirm-submit]');
    await page.locator('[data-testid=minio-row]').waitFor({ state: 'detached' });
    expect(await apiValue<unknown[]>(serve, 'minio.list')).toEqual([]);
    expect(problems).toEqual([]);
  });
});
