// End-to-end: onboarding a business through the UI in Chromium against the
// REAL serve mode, a real MinIO and a real sshd host (newest restic): the
// bucket name's rules checked as it is typed and a taken name caught, the
// object-lock warning in words, the cron preview with the next five runs,
// then Continue runs every step to the first backup's proof; the list says
// where each onboarding stopped; rollback behind the typed business name.
// Screenshots go to artifacts/screenshots/onboarding-*.png.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { execFile } from 'node:child_process';
import { mkdirSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinioConnection, OnboardingDetail, OnboardingSummary } from '../../shared';
import { mcAlias, startMinio, type McClient, type MinioServer } from '../support/minio';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

const run = promisify(execFile);

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

describe('onboarding wizard in serve mode (newest restic, real MinIO and sshd)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let minio: MinioServer;
  let mc: McClient;
  let fleet: SshHosts;
  let prefix = '';
  const problems: string[] = [];
  const newest = resticBinaries().at(-1)!;

  beforeAll(async () => {
    minio = await startMinio();
    mc = await mcAlias(minio);
    await mc.mc(['mb', `${mc.alias}/taken-bucket`]);
    fleet = await startSshHosts(1, {
      namePrefix: 'onbui',
      firstOctet: 130,
      env: (_i, name) => ({ RFC_RUNNER_PREFIX: `/tmp/rfc-onb-e2e-${name}-${process.pid}` }),
    });
    prefix = `/tmp/rfc-onb-e2e-${fleet.hosts[0]!.name}-${process.pid}`;
    const host = fleet.hosts[0]!;
    await fs.mkdir(join(host.dataRoot, 'srv'), { recursive: true });
    await fs.writeFile(join(host.dataRoot, 'srv', 'orders.txt'), 'order 1\n');
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-onboarding-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    await apiValue<MinioConnection>(serve, 'minio.add', {
      name: 'site-a',
      endpoint: minio.endpoint,
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
    });
    const added = await apiValue<{ host: { id: string } }>(serve, 'hosts.add', {
      host: {
        name: host.name,
        address: host.address,
        port: host.port,
        user: host.user,
        resticPath: newest.path,
      },
      key: { kind: 'paste', privateKey: host.privateKey },
    });
    await apiValue(serve, 'hosts.pinKey', { id: added.host.id, fingerprint: host.hostKeyFingerprintSha256 });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-onboarding]', { timeout: 60_000 });
  });

  afterAll(async () => {
    // Never leave a runner in the crontab: roll back what is still onboarded.
    if (serve) {
      const list = await apiValue<OnboardingSummary[]>(serve, 'onboarding.list').catch(() => []);
      for (const o of list) {
        if (o.status === 'rolled_back') continue;
        await apiValue(serve, 'onboarding.rollback', { id: o.id, confirm: o.businessName }).catch(
          () => undefined,
        );
        for (let i = 0; i < 100; i++) {
          const d = await apiValue<OnboardingDetail>(serve, 'onboarding.get', { id: o.id }).catch(() => null);
          if (!d || !d.busy) break;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    }
    await browser?.close();
    await serve?.stop();
    await fleet?.stopAll();
    await minio?.dispose();
    await fs.rm(prefix, { recursive: true, force: true }).catch(() => undefined);
    await cleanupTempDirs();
  });

  it('onboards a business through the wizard, from step 1 to the first backup on the board', async () => {
    await page.click('[data-testid=nav-onboarding]');
    await page.locator('[data-testid=onboarding-empty]').waitFor();
    await page.click('[data-testid=onboarding-new]');

    // Step 1
    await page.fill('[data-testid=onboarding-business-name]', 'Acme Foods');
    await page.fill('[data-testid=onboarding-business-owner]', 'ops@acme.test');
    await shot(page, 'onboarding-step1');
    await page.click('[data-testid=onboarding-save]');
    await page.locator('[data-testid=onboarding-stepper]').waitFor();

    // Step 2: the bucket name's rules live, then taken or free on MinIO.
    await page.click('[data-testid=onboarding-step-bucket]');
    const name = page.locator('[data-testid=onboarding-bucket-name]');
    await name.fill('Acme_Foods');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-bucket-form]').textContent())
      .toContain('no capital letters');
    await name.fill('taken-bucket');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-bucket-check]').getAttribute('data-result'), {
        timeout: 10_000,
      })
      .toBe('taken');
    await name.fill('acme-foods-backup');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-bucket-check]').getAttribute('data-result'), {
        timeout: 10_000,
      })
      .toBe('free');
    await page.click('[data-testid=onboarding-bucket-lock]');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-lock-warning]').textContent())
      .toContain('free no space until');
    await shot(page, 'onboarding-step2-bucket');
    await page.click('[data-testid=onboarding-bucket-lock]');
    await page.click('[data-testid=onboarding-save]');
    await expect
      .poll(async () => (await apiValue<OnboardingSummary[]>(serve, 'onboarding.list'))[0]?.id ?? '')
      .not.toBe('');
    const id = (await apiValue<OnboardingSummary[]>(serve, 'onboarding.list'))[0]!.id;
    await expect
      .poll(
        async () => (await apiValue<OnboardingDetail>(serve, 'onboarding.get', { id })).inputs.bucket?.bucket,
      )
      .toBe('acme-foods-backup');

    // Step 5: the host, its paths, hook and schedule with the preview.
    await page.click('[data-testid=onboarding-step-hosts]');
    await page.click('[data-testid=onboarding-hosts-pick]');
    await page.getByRole('option', { name: new RegExp(fleet.hosts[0]!.name) }).click();
    await page.keyboard.press('Escape');
    await page.fill('[data-testid=onboarding-host-paths]', join(fleet.hosts[0]!.dataRoot, 'srv'));
    await page.fill('[data-testid=onboarding-host-excludes]', '*.tmp');
    await page.fill(
      '[data-testid=onboarding-host-prehook]',
      `date > ${join(fleet.hosts[0]!.dataRoot, 'srv', 'dumped-at.txt')}`,
    );
    await page.fill('[data-testid=onboarding-host-schedule]', '15 3 * * 1-5');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-cron-words]').textContent(), { timeout: 10_000 })
      .toContain('03:15');
    expect(await page.locator('[data-testid=onboarding-cron-next]').count()).toBe(5);
    await shot(page, 'onboarding-step5-hosts');
    await page.click('[data-testid=onboarding-save]');
    await expect
      .poll(
        async () =>
          (await apiValue<OnboardingDetail>(serve, 'onboarding.get', { id })).inputs.hosts?.hosts.length ?? 0,
      )
      .toBe(1);

    // Continue: every step runs, one job each, to the proof.
    await page.click('[data-testid=onboarding-continue]');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-status]').textContent(), {
        timeout: 240_000,
        interval: 500,
      })
      .toBe('Done');
    const d = await apiValue<OnboardingDetail>(serve, 'onboarding.get', { id });
    expect(d.steps.every((s) => s.status === 'done')).toBe(true);
    expect(d.proof).toHaveLength(1);
    await page.click('[data-testid=onboarding-step-firstBackup]');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-proof]').textContent())
      .toContain(d.proof[0]!.snapshotId.slice(0, 8));
    await expect
      .poll(() => page.locator('[data-testid=onboarding-step-notes]').textContent())
      .toMatch(/daily check shows the business/);
    expect(await page.locator('[data-testid=onboarding-resource]').count()).toBe(d.resources.length);
    await shot(page, 'onboarding-done');
    await page.click('[data-testid=onboarding-step-bucket]');
    await expect
      .poll(() => page.locator('[data-testid=onboarding-step-commands]').textContent())
      .toContain('mc mb');
    await shot(page, 'onboarding-step2-done');
    expect((await run('crontab', ['-l'])).stdout).toContain(
      `rfc-runner:${d.planIds[Object.keys(d.planIds)[0]!]}`,
    );

    // The board shows the business.
    await page.click('[data-testid=onboarding-to-board]').catch(async () => {
      await page.click('[data-testid=onboarding-step-firstBackup]');
      await page.click('[data-testid=onboarding-to-board]');
    });
    await expect.poll(() => page.locator('body').textContent(), { timeout: 20_000 }).toContain('Acme Foods');
    expect(problems).toEqual([]);
  });

  it('lists onboardings with where they stopped and why, and rolls one back behind the typed name', async () => {
    // A second onboarding that stops at step 2: its bucket is taken.
    const o = await apiValue<OnboardingDetail>(serve, 'onboarding.start', {
      name: 'Globex',
      retention: { keepLast: 3 },
    });
    const conn = (await apiValue<MinioConnection[]>(serve, 'minio.list'))[0]!;
    await apiValue(serve, 'onboarding.saveStep', {
      id: o.id,
      data: {
        step: 'bucket',
        input: {
          minioId: conn.id,
          bucket: 'taken-bucket',
          versioning: true,
          objectLockYears: null,
          quotaBytes: null,
        },
      },
    });
    await apiValue(serve, 'onboarding.resume', { id: o.id });
    await expect
      .poll(
        async () => (await apiValue<OnboardingDetail>(serve, 'onboarding.get', { id: o.id })).lastError?.code,
        { timeout: 30_000 },
      )
      .toBe('BUCKET_TAKEN');

    await page.click('[data-testid=nav-onboarding]');
    await page.locator('[data-testid=onboarding-table]').waitFor();
    const row = page.locator('[data-testid=onboarding-row]', { hasText: 'Globex' });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('At step 2: Bucket');
    expect(await row.textContent()).toContain('BUCKET_TAKEN');
    await shot(page, 'onboarding-list');

    await row.click();
    await page.locator('[data-testid=onboarding-step-panel][data-step=bucket]').waitFor();
    await expect
      .poll(() => page.locator('[data-testid=onboarding-step-panel]').textContent())
      .toContain('already exists');
    await shot(page, 'onboarding-stopped');
    await page.click('[data-testid=onboarding-rollback]');
    const modal = page.locator('[data-testid=onboarding-rollback-confirm]');
    await modal.locator('input').fill('Globex');
    await shot(page, 'onboarding-rollback');
    await modal.getByRole('button', { name: 'Roll back' }).click();
    await expect
      .poll(() => page.locator('[data-testid=onboarding-status]').textContent(), { timeout: 30_000 })
      .toBe('Rolled back');
    const after = await apiValue<OnboardingDetail>(serve, 'onboarding.get', { id: o.id });
    expect(after.resources.every((r) => r.removedAt !== null)).toBe(true);
    // The bucket it did not make is still there.
    expect((await mc.mcJson(['ls', mc.alias])).map((e) => String(e.key))).toContain('taken-bucket/');
    expect(problems).toEqual([]);
  });
});
