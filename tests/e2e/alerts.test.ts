// End-to-end: the alerts screen in Chromium against the REAL serve mode.
// A webhook channel is added through the UI and its "Send test" arrives at
// a real local HTTP receiver; a DingTalk channel's form shows its write-only
// signing secret; a receiver answering 500 shows as a failed delivery with
// its status; the token in a URL never reaches the page.
//
// Needs `npm run build`.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertChannel, AlertDelivery, Business } from '../../shared';
import { startHttpReceiver, type HttpReceiver } from '../support/alert-receiver';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

const TOKEN = 'e2e-hook-token-3f9a8b7c6d5e4f';

describe('alerts screen in serve mode', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let receiver: HttpReceiver;
  const problems: string[] = [];

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-alerts-'),
      env: { RFC_RESTIC_BINARY: resticBinaries().at(-1)!.path },
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
    });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-alerts]', { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await receiver?.close();
    await cleanupTempDirs();
  });

  it('adds a webhook channel through the UI and its test arrives at the receiver', async () => {
    await page.click('[data-testid=nav-alerts]');
    await page.locator('[data-testid=screen-alerts]').waitFor();
    await page.getByText('No alert channels yet').waitFor();
    await shot(page, 'alerts-empty');

    await page.click('[data-testid=alert-channel-add]');
    await page.locator('[data-testid=alert-form-name]').waitFor();
    await page.fill('[data-testid=alert-form-name]', 'ops webhook');
    // The core's schema refuses what is not http(s): the form says so first.
    await page.fill('[data-testid=alert-form-url]', 'ftp://example.com/x');
    await page.click('[data-testid=alert-form-submit]');
    await page.getByText('An http:// or https:// URL').waitFor();
    await page.fill('[data-testid=alert-form-url]', `${receiver.base}/hook/${TOKEN}`);
    await shot(page, 'alerts-add-webhook');
    await page.click('[data-testid=alert-form-submit]');
    const row = page.locator('[data-testid=alert-channel-row][data-name="ops webhook"]');
    await row.waitFor();
    const host = receiver.base.replace('http://', '');
    expect(await row.locator('[data-testid=alert-destination]').textContent()).toBe(host);
    expect(await row.locator('[data-testid=alert-kind]').textContent()).toBe('Webhook');

    await row.locator('[data-testid=alert-send-test]').click();
    const result = page.locator('[data-testid=alert-test-result]');
    await result.waitFor();
    expect(await result.getAttribute('data-result')).toBe('delivered');
    expect(await result.textContent()).toContain('HTTP 200');
    const [hit] = await receiver.waitFor('/hook/', 1);
    const demo = (await apiValue<Business[]>(serve, 'businesses.list'))[0]!;
    expect(hit!.path).toBe(`/hook/${TOKEN}`);
    expect(hit!.body).toMatchObject({ event: 'test', business: demo.name, status: 'ok' });
    await row.locator('[data-testid=alert-delivery-result][data-result=delivered]').waitFor();
    await shot(page, 'alerts-test-delivered');

    // Editing shows the URL as "set", never its value.
    await row.locator('[data-testid=alert-channel-edit]').click();
    await page.locator('[data-testid=alert-form-url-state]').waitFor();
    expect(await page.locator('[data-testid=alert-form-url-state]').textContent()).toBe('set');
    expect(await page.content()).not.toContain(TOKEN);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=alert-channel-form]').waitFor({ state: 'hidden' });
  });

  it('a DingTalk form with its signing secret; a receiver answering 500 shows as failed', async () => {
    const [demo] = await apiValue<Business[]>(serve, 'businesses.list');
    await apiValue<AlertChannel>(serve, 'alerts.channelAdd', {
      businessId: demo!.id,
      name: 'broken receiver',
      settings: { kind: 'slack' },
      secrets: { url: `${receiver.base}/fail/${TOKEN}` },
    });
    await page.click('[data-testid=alert-channel-add]');
    await page.locator('[data-testid=alert-form-kind] label', { hasText: 'DingTalk' }).click();
    await page.fill('[data-testid=alert-form-name]', 'dingtalk group');
    await page.fill(
      '[data-testid=alert-form-url]',
      `${receiver.base}/dingtalk/robot/send?access_token=${TOKEN}`,
    );
    await page.fill('[data-testid=alert-form-sign-secret]', 'SECe2e0123456789abcdef');
    await shot(page, 'alerts-add-dingtalk');
    await page.click('[data-testid=alert-form-submit]');
    await page.locator('[data-testid=alert-channel-row][data-name="dingtalk group"]').waitFor();
    const channels = await apiValue<AlertChannel[]>(serve, 'alerts.channels', {});
    expect(channels.find((c) => c.name === 'dingtalk group')!.secrets).toEqual({
      url: true,
      signSecret: true,
      password: false,
    });

    const broken = page.locator('[data-testid=alert-channel-row][data-name="broken receiver"]');
    await broken.waitFor();
    await broken.locator('[data-testid=alert-send-test]').click();
    const result = page.locator('[data-testid=alert-test-result][data-result=failed]');
    await result.waitFor();
    expect(await result.textContent()).toContain('HTTP 500');
    await shot(page, 'alerts-test-failed');

    await page.click('[data-testid=alerts-tab-deliveries]');
    await page.locator('[data-testid=alert-delivery-row]').nth(1).waitFor();
    const history = await apiValue<AlertDelivery[]>(serve, 'alerts.history', {});
    expect(await page.locator('[data-testid=alert-delivery-row]').count()).toBe(history.length);
    await shot(page, 'alerts-deliveries');
    await page.click('[data-testid=alert-deliveries-result-filter] >> text=failed');
    await expect.poll(() => page.locator('[data-testid=alert-delivery-row]').count()).toBe(1);
    expect(await page.content()).not.toContain(TOKEN);

    // The e-mail form: server, security with its usual port, login, sender and recipients.
    await page.click('[data-testid=alerts-tab-channels]');
    await page.click('[data-testid=alert-channel-add]');
    await page.locator('[data-testid=alert-form-kind] label', { hasText: 'E-mail' }).click();
    await page.locator('[data-testid=alert-form-host]').waitFor();
    expect(await page.locator('[data-testid=alert-form-port]').inputValue()).toBe('587');
    await page.fill('[data-testid=alert-form-host]', 'smtp.example.com');
    await page.fill('[data-testid=alert-form-user]', 'alerts@example.com');
    await page.click('[data-testid=alert-form-submit]');
    // A user without a password, no sender, no recipients: said next to each field, nothing sent.
    await page.getByText('A user needs its password').waitFor();
    await page.getByText('At least one valid address').waitFor();
    await shot(page, 'alerts-add-email');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=alert-channel-form]').waitFor({ state: 'hidden' });

    // In Chinese: every string of the screen is translated.
    await page.click('[data-testid=language-select]');
    await page.getByRole('option', { name: '简体中文' }).click();
    await page.getByText('告警渠道').first().waitFor();
    expect(
      await page
        .locator('[data-testid=alert-channel-row][data-name="ops webhook"] [data-testid=alert-kind]')
        .textContent(),
    ).toBe('Webhook');
    await shot(page, 'alerts-zh-CN');
    await page.click('[data-testid=language-select]');
    await page.getByRole('option', { name: 'English' }).click();
    expect(problems).toEqual([]);
  });
});
