// End-to-end: the fleet screens (daily check, inventory, hosts and host
// keys, jobs, audit) in Chromium against the REAL serve mode, with a real
// OpenSSH sshd standing in for a managed host. What the UI shows is checked
// against the API and against the peers themselves (the host key
// fingerprint sshd really has). Screenshots go to artifacts/screenshots/.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Business, DailyCheckItem, HostDetail, JobRecord, Plan, Repo } from '../../shared';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

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

/** Picks an option of a Mantine Select (or MultiSelect, whose list stays open until Escape) by its label. */
async function choose(page: Page, testId: string, label: string, multi = false): Promise<void> {
  await page.click(`[data-testid=${testId}]`);
  await page.getByRole('option', { name: label, exact: true }).click();
  if (multi) await page.keyboard.press('Escape');
  await page.getByRole('option', { name: label, exact: true }).waitFor({ state: 'hidden' });
}

describe('fleet screens in serve mode (newest restic, one sshd host)', () => {
  let serve: ServeProcess;
  let ssh: SshHosts;
  let host: SshHost;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let demoRepo: Repo;
  let hostId: string;
  const newest = resticBinaries().at(-1)!;

  beforeAll(async () => {
    ssh = await startSshHosts(1, { namePrefix: 'web' });
    host = ssh.hosts[0]!;
    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-fleet-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      colorScheme: 'light',
      locale: 'en-US',
      acceptDownloads: true,
    });
    page = await context.newPage();
    problems = watchPage(page);
    const repos = await apiValue<Repo[]>(serve, 'repos.list');
    const demo = repos.find((r) => r.demo);
    if (!demo) throw new Error(`no demo repository: ${JSON.stringify(repos)}\n${serve.output()}`);
    demoRepo = demo;
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-dailyCheck]', { timeout: 60_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await ssh?.stopAll();
    await cleanupTempDirs();
  });

  it('puts the daily check first in the navigation and says what it does before the first run', async () => {
    const nav = await page
      .locator('nav [data-testid^=nav-]')
      .evaluateAll((links) => links.map((l) => l.getAttribute('data-testid')));
    expect(nav[0]).toBe('nav-dailyCheck');
    expect(nav).toEqual(
      expect.arrayContaining(['nav-businesses', 'nav-hosts', 'nav-plans', 'nav-jobs', 'nav-audit']),
    );
    await page.click('[data-testid=nav-dailyCheck]');
    await page.locator('[data-testid=check-empty]').waitFor();
    expect(await page.locator('[data-testid=check-export-csv]').count()).toBe(0);
    await shot(page, 'daily-check-empty');
  });

  it('adds a business; the core’s validation shows next to the field', async () => {
    await page.click('[data-testid=nav-businesses]');
    await page.locator('[data-testid=business-row]').first().waitFor();
    await page.click('[data-testid=business-add]');
    await page.fill('[data-testid=business-form-name]', '-payments');
    await page.fill('[data-testid=business-form-owner]', 'Jane Doe <jane@example.com>');
    await page.click('[data-testid=business-form-submit]');
    // INVALID_NAME from the store, placed under the name field.
    const nameError = page
      .locator('[data-testid=business-form-name]')
      .locator('xpath=ancestor::div[contains(@class,"mantine-InputWrapper-root")]')
      .locator('.mantine-InputWrapper-error');
    await expect.poll(() => nameError.textContent(), { timeout: 10_000 }).toContain('cannot start with "-"');
    await shot(page, 'business-form-invalid-name');

    await page.fill('[data-testid=business-form-name]', 'Payments');
    await page.click('[data-testid=business-form-submit]');
    await page.locator('[data-testid=business-row][data-name="Payments"]').waitFor();
    const businesses = await apiValue<Business[]>(serve, 'businesses.list');
    expect(businesses.map((b) => b.name).sort()).toEqual(['Demo business', 'Payments']);
    expect(businesses.find((b) => b.name === 'Payments')?.ownerContact).toBe('Jane Doe <jane@example.com>');
    await shot(page, 'businesses');
  });

  it('adds a backup plan for the demo repository on this machine', async () => {
    await page.click('[data-testid=nav-plans]');
    await page.click('[data-testid=plan-add]');
    await page.fill('[data-testid=plan-form-name]', 'app-data');
    await choose(page, 'plan-form-business', 'Demo business');
    await choose(page, 'plan-form-repository', demoRepo.name);
    // The repository's host is proposed as the plan's host.
    expect(await page.inputValue('[data-testid=plan-form-host]')).toBe('this machine');
    const source = join(demoRepo.location, '..', 'source', 'app-data');
    await page.fill('[data-testid=plan-form-paths]', source);
    await page.fill('[data-testid=plan-form-freshness]', '26');
    await shot(page, 'plan-form');
    await page.click('[data-testid=plan-form-submit]');
    await page.locator('[data-testid=plan-row][data-name="app-data"]').waitFor();
    const plans = await apiValue<Plan[]>(serve, 'plans.list', {});
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({
      name: 'app-data',
      hostId: 'local',
      repositoryId: demoRepo.id,
      paths: [source],
    });
    await shot(page, 'plans');
  });

  it('adds a repository: a wrong password is refused next to the field, a new one is created with restic init', async () => {
    await page.click('[data-testid=nav-repositories]');
    await page.locator('[data-testid=repo-row]').first().waitFor();
    await page.click('[data-testid=repo-add]');
    // The demo repository again, with a wrong password: restic cat config refuses it, nothing is stored.
    await page.fill('[data-testid=repo-form-name]', 'demo-again');
    await page.fill('[data-testid=repo-form-location]', demoRepo.location);
    await page.fill('[data-testid=repo-form-password]', 'not-the-password');
    await page.click('[data-testid=repo-form-submit]');
    const passwordError = page
      .locator('[data-testid=repo-form-password]')
      .locator('xpath=ancestor::div[contains(@class,"mantine-InputWrapper-root")][1]')
      .locator('.mantine-InputWrapper-error');
    await passwordError.waitFor({ timeout: 60_000 });
    await shot(page, 'repo-form-wrong-password');
    expect((await apiValue<Repo[]>(serve, 'repos.list')).map((r) => r.name)).toEqual([demoRepo.name]);

    // A new repository for Payments, made with restic init, with a generated password.
    await page.locator('[data-testid=repo-form-mode]').getByText('Create a new one (restic init)').click();
    await page.fill('[data-testid=repo-form-name]', 'payments-primary');
    const location = join(serve.dataDir, 'payments-repo');
    await page.fill('[data-testid=repo-form-location]', location);
    await choose(page, 'repo-form-business', 'Payments');
    await page.click('[data-testid=repo-form-generate]');
    expect((await page.inputValue('[data-testid=repo-form-password]')).length).toBe(32);
    await shot(page, 'repo-form-init');
    await page.click('[data-testid=repo-form-submit]');
    const row = page.locator('[data-testid=repo-row]', { hasText: 'payments-primary' });
    await row.waitFor({ timeout: 60_000 });
    await row.locator('[data-testid=repo-password-set]').waitFor();
    const added = (await apiValue<Repo[]>(serve, 'repos.list')).find((r) => r.name === 'payments-primary');
    expect(added).toMatchObject({ location, passwordSet: true, hostId: 'local' });
    expect(readFileSync(join(location, 'config')).length).toBeGreaterThan(0);
    await shot(page, 'repositories-added');
  });

  it('adds an SSH host with a key read from a file, pins its host key only after the user accepts the fingerprint, and tests the connection', async () => {
    await page.click('[data-testid=nav-hosts]');
    await page.click('[data-testid=host-add]');
    await page.fill('[data-testid=host-form-name]', host.name);
    await page.fill('[data-testid=host-form-address]', host.address);
    await page.fill('[data-testid=host-form-port]', String(host.port));
    await page.fill('[data-testid=host-form-user]', host.user);
    await page.locator('[data-testid=key-source]').getByText('From a file', { exact: true }).click();
    await page.locator('[data-testid=key-fields] input[type=file]').setInputFiles(host.privateKeyPath);
    await expect.poll(() => page.locator('[data-testid=key-fields]').textContent()).toContain('read');
    await shot(page, 'host-form');
    await page.click('[data-testid=host-form-submit]');

    // The host's panel opens; nothing is pinned yet.
    const drawer = page.locator('[data-testid=host-drawer]');
    await drawer.locator('[data-testid=host-key-unpinned]').waitFor({ timeout: 15_000 });
    const hosts = await apiValue<{ id: string; name: string }[]>(serve, 'hosts.list');
    hostId = hosts.find((h) => h.name === host.name)!.id;
    expect((await apiValue<HostDetail>(serve, 'hosts.get', { id: hostId })).hostKey).toBeUndefined();

    // First connection: the fingerprint sshd really has, exactly as ssh-keygen -lf prints it.
    await drawer.locator('[data-testid=host-key-scan]').click();
    const offered = drawer.locator('[data-testid=host-key-offered]');
    await offered.waitFor({ timeout: 20_000 });
    expect((await offered.textContent())?.trim()).toBe(host.hostKeyFingerprintSha256);
    expect(await drawer.locator('[data-testid=host-key-compare-host]').textContent()).toContain(
      'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
    );
    // Still not pinned: only the user's accept does that.
    expect((await apiValue<HostDetail>(serve, 'hosts.get', { id: hostId })).hostKey).toBeUndefined();
    await shot(page, 'host-key-first-connection');

    await drawer.locator('[data-testid=host-key-accept]').click();
    await drawer.locator('[data-testid=host-key-match]').waitFor({ timeout: 20_000 });
    await drawer.locator('[data-testid=host-key-pinned]').waitFor();
    expect((await apiValue<HostDetail>(serve, 'hosts.get', { id: hostId })).hostKey?.fingerprint).toBe(
      host.hostKeyFingerprintSha256,
    );

    // Test connection: every step ticked or crossed, with what was found.
    await drawer.locator('[data-testid=host-test]').click();
    await drawer.locator('[data-testid=host-test-result]').waitFor({ timeout: 60_000 });
    for (const step of ['handshake', 'hostKey', 'auth', 'os']) {
      expect(
        await drawer.locator(`[data-testid=host-test-step][data-step=${step}]`).getAttribute('data-ok'),
      ).toBe('true');
    }
    const steps = await drawer.locator('[data-testid=host-test-step]').count();
    expect(steps).toBe(7);
    await shot(page, 'host-test');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await page
      .locator(`[data-testid=host-row][data-name="${host.name}"] [data-testid=host-row-fingerprint]`)
      .waitFor();
    await shot(page, 'hosts');
  });

  it('stops on a changed host key: both fingerprints, and re-pinning needs the host name typed', async () => {
    const { previous, current } = await ssh.hosts[0]!.swapHostKey();
    expect(previous).not.toBe(current);
    await page.locator(`[data-testid=host-row][data-name="${host.name}"]`).dblclick();
    const drawer = page.locator('[data-testid=host-drawer]');
    await drawer.locator('[data-testid=host-key-scan]').click();
    const alert = drawer.locator('[data-testid=host-key-changed]');
    await alert.waitFor({ timeout: 20_000 });
    expect((await alert.locator('[data-testid=host-key-changed-pinned]').textContent())?.trim()).toBe(
      previous,
    );
    expect((await alert.locator('[data-testid=host-key-changed-offered]').textContent())?.trim()).toBe(
      current,
    );
    expect(await alert.textContent()).toContain('Nothing will run on this host');
    await shot(page, 'host-key-changed');

    await alert.locator('[data-testid=host-key-repin]').click();
    const submit = page.locator('[data-testid=host-key-repin-confirm-submit]');
    await page.fill('[data-testid=host-key-repin-confirm-input]', `${host.name}x`);
    expect(await submit.isDisabled()).toBe(true);
    await page.fill('[data-testid=host-key-repin-confirm-input]', host.name);
    await shot(page, 'host-key-repin-confirm');
    await submit.click();
    await drawer.locator('[data-testid=host-key-match]').waitFor({ timeout: 20_000 });
    expect((await apiValue<HostDetail>(serve, 'hosts.get', { id: hostId })).hostKey?.fingerprint).toBe(
      current,
    );
    const audit = await apiValue<AuditEntry[]>(serve, 'audit.list', { action: 'hosts.repinKey' });
    expect(audit[0]).toMatchObject({ result: 'succeeded', target: `host:${hostId}` });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
  });

  it('shows a generated key’s public half and the exact authorized_keys line', async () => {
    await page.click('[data-testid=host-add]');
    await page.fill('[data-testid=host-form-name]', 'db-1');
    await page.fill('[data-testid=host-form-address]', '127.0.0.250');
    await page.fill('[data-testid=host-form-user]', 'backup');
    // "Generate" is the default key source.
    await page.click('[data-testid=host-form-submit]');
    const line = page.locator('[data-testid=authorized-keys-line]');
    await line.waitFor({ timeout: 15_000 });
    expect((await line.textContent())?.trim()).toMatch(
      /^ssh-ed25519 [A-Za-z0-9+/=]+ restic-fleet-console@db-1$/,
    );
    expect(await page.locator('[data-testid=authorized-keys-command]').textContent()).toContain(
      '>> ~/.ssh/authorized_keys',
    );
    expect(await page.locator('[data-testid=authorized-keys]').textContent()).not.toMatch(/PRIVATE KEY/);
    await shot(page, 'host-generated-key');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=host-drawer]').waitFor({ state: 'hidden' });
    // Not a real host: remove it again, with its name typed.
    await page.locator('[data-testid=host-row][data-name="db-1"]').dblclick();
    await page.click('[data-testid=host-remove]');
    await page.fill('[data-testid=host-remove-confirm-input]', 'db-1');
    await page.click('[data-testid=host-remove-confirm-submit]');
    await page.locator('[data-testid=host-row][data-name="db-1"]').waitFor({ state: 'detached' });
  });

  it('runs the daily check with live progress and shows each board item with its reason in words', async () => {
    await page.click('[data-testid=nav-dailyCheck]');
    await page.click('[data-testid=check-run]');
    // Progress arrives as jobs.changed events: hosts done / total, then the board.
    await page.locator('[data-testid=check-summary]').waitFor({ timeout: 90_000 });
    await expect
      .poll(async () => page.locator('[data-testid=check-run]').isDisabled(), { timeout: 90_000 })
      .toBe(false);

    const latest = await apiValue<{ check: { id: string; status: string }; items: DailyCheckItem[] }>(
      serve,
      'fleet.check',
      {},
    );
    expect(latest.check.status).toBe('done');
    const freshness = latest.items.find((i) => i.item === 'freshness' && i.data.planName === 'app-data');
    expect(freshness).toBeDefined();
    expect(freshness!.reason).toMatch(/target 26 h/);

    // The board: the Demo business row shows its worst items first, each reason in words next to its colour.
    const rank = { failing: 0, warning: 1, ok: 2 } as const;
    const worst = latest.items
      .filter((i) => i.businessName === 'Demo business')
      .sort((x, y) => rank[x.status] - rank[y.status])[0]!;
    const row = page.locator('[data-testid=board-row][data-business="Demo business"]');
    await row.waitFor();
    const reasons = await row
      .locator(`[data-testid=board-reason][data-item=${worst.item}]`)
      .evaluateAll((els) =>
        els.map((e) => ({ text: e.textContent ?? '', status: e.getAttribute('data-status') })),
      );
    expect(reasons).toContainEqual({ text: expect.stringContaining(worst.reason), status: worst.status });
    // The demo's snapshots carry the OS host name, which the check accepts for "this machine".
    expect(freshness!.status).toBe('ok');
    // The SSH host has its own column, with its reachability reason.
    const sshItem = latest.items.find((i) => i.item === 'reachable' && i.hostName === host.name);
    expect(sshItem?.status).toBe('ok');
    expect(await page.locator('[data-testid=board-host]').allTextContents()).toContain(host.name);
    // Summary numbers are the check's.
    const summary = latest.items.reduce<Record<string, number>>(
      (acc, i) => ({ ...acc, [i.status]: (acc[i.status] ?? 0) + 1 }),
      {},
    );
    expect(await page.locator('[data-testid=summary-failing]').getAttribute('data-value')).toBe(
      String(summary.failing ?? 0),
    );
    expect(await page.locator('[data-testid=summary-ok]').getAttribute('data-value')).toBe(
      String(summary.ok ?? 0),
    );
    await page.locator('[data-testid=check-trend] svg').first().waitFor();
    await shot(page, 'daily-check-board');

    await page.click('[data-testid=check-tab-hosts]');
    await page.locator('[data-testid=check-host-row]').first().waitFor();
    const hostsInTable = await page
      .locator('[data-testid=check-host-row]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-host')));
    expect(hostsInTable).toEqual(expect.arrayContaining(['this machine', host.name]));
    await shot(page, 'daily-check-hosts');

    await page.click('[data-testid=check-tab-items]');
    await page.click('[data-testid=item-filter-failing] + label');
    await expect
      .poll(async () =>
        page
          .locator('[data-testid=check-item-row]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status'))),
      )
      .toEqual(Array(summary.failing ?? 0).fill('failing'));
    await shot(page, 'daily-check-items');
    await page.click('[data-testid=item-filter-failing] + label');

    await page.click('[data-testid=check-tab-history]');
    await page.locator('[data-testid=check-history-row]').first().waitFor();
    await shot(page, 'daily-check-history');
    await page.click('[data-testid=check-tab-board]');
  });

  it('downloads the check as CSV (the core’s export, byte for byte) and as JSON', async () => {
    const latest = await apiValue<{ check: { id: string } }>(serve, 'fleet.check', {});
    const expected = await apiValue<{ filename: string; content: string }>(serve, 'fleet.checkExport', {
      id: latest.check.id,
      format: 'csv',
    });
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=check-export-csv]'),
    ]);
    expect(csv.suggestedFilename()).toBe(expected.filename);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    expect(csvText).toBe(expected.content);
    expect(csvText.split('\n')[0]).toMatch(/status/i);
    expect(csvText).toContain('app-data');

    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=check-export-json]'),
    ]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    const parsed = JSON.parse(readFileSync((await json.path())!, 'utf8')) as unknown;
    expect(JSON.stringify(parsed)).toContain(latest.check.id);
  });

  it('shows the daily-check job as succeeded on the Jobs page, with its log', async () => {
    const jobs = await apiValue<JobRecord[]>(serve, 'jobs.list', { kind: 'fleet.daily-check' });
    const job = jobs[0]!;
    expect(job.status).toBe('succeeded');
    await page.click('[data-testid=nav-jobs]');
    const row = page.locator(`[data-testid=job-row][data-job-id="${job.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('succeeded');
    expect(await row.locator('[data-testid=job-status]').textContent()).toContain('succeeded');
    await shot(page, 'jobs');

    await row.locator('[data-testid=job-open]').click();
    const drawer = page.locator('[data-testid=job-drawer]');
    await drawer.locator('[data-testid=job-log]').waitFor();
    await expect
      .poll(async () => Number(await drawer.locator('[data-testid=job-log]').getAttribute('data-lines')))
      .toBeGreaterThan(0);
    expect(await drawer.locator('[data-testid=job-log]').textContent()).toContain('Checking');
    expect((await drawer.locator('[data-testid=job-exit-code]').textContent())?.trim()).toBe(
      String(job.exitCode ?? '—'),
    );
    await shot(page, 'job-drawer');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // Filters: a status nothing has shows the empty state.
    await choose(page, 'job-filter-status', 'cancelled', true);
    await page.locator('[data-testid=jobs-table-empty]').waitFor();
    await page.click('[data-testid=job-filter-reset]');
    await row.waitFor();
  });

  it('lists the business.add entry in the audit log, filters it, and exports CSV', async () => {
    await page.click('[data-testid=nav-audit]');
    const entry = page.locator(
      '[data-testid=audit-row][data-action="businesses.add"][data-result=succeeded]',
    );
    await entry.waitFor();
    expect(await entry.textContent()).toContain('business:Payments');
    expect(await entry.locator('[data-testid=audit-result]').getAttribute('data-result')).toBe('succeeded');
    // The refused "-payments" is there too, as failed.
    const failed = await apiValue<AuditEntry[]>(serve, 'audit.list', {
      action: 'businesses.add',
      result: 'failed',
    });
    expect(failed).toHaveLength(1);

    await choose(page, 'audit-filter-action', 'businesses.add');
    await expect
      .poll(async () =>
        page
          .locator('[data-testid=audit-row]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))),
      )
      .toEqual(['businesses.add', 'businesses.add']);
    await shot(page, 'audit');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=audit-export]'),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,time,actor,action,target,result/);
    expect(lines).toHaveLength(3);
    expect(csv).toContain('business:Payments');
    await page.click('[data-testid=audit-filter-reset]');
  });

  it('renders the board in Simplified Chinese and in dark mode without page errors', async () => {
    await page.click('[data-testid=nav-dailyCheck]');
    await page.locator('[data-testid=board-row]').first().waitFor();
    await page.click('[data-testid=language-select]');
    await page.getByRole('option', { name: '简体中文' }).click();
    await expect.poll(() => page.locator('[data-testid=nav-dailyCheck]').textContent()).toContain('每日检查');
    await page.getByRole('option', { name: '简体中文' }).waitFor({ state: 'hidden' });
    await shot(page, 'daily-check-board-zh-CN');
    await page.click('[data-testid=language-select]');
    await page.getByRole('option', { name: 'English' }).click();
    await page.getByRole('option', { name: 'English' }).waitFor({ state: 'hidden' });

    await page.click('[data-testid=settings-button]');
    await page.locator('[data-testid=theme-control]').getByText('Dark', { exact: true }).click();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=theme-control]').waitFor({ state: 'hidden' });
    await shot(page, 'daily-check-board-dark');
    expect(problems).toEqual([]);
  });
});
