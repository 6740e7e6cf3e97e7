// End-to-end: the restore wizard's two SSH target kinds in Chromium against
// the REAL serve mode — "another host" (cross-host: restic runs on host B
// over SSH, reading the S3 repository host A backed up to) and "another
// folder on the original host" (host A). Real MinIO, two real sshd hosts on
// 127.0.0.x, the newest real restic. What lands on the target host's
// filesystem is compared byte for byte with the original files and with
// what restic restores by hand. Screenshots go to
// artifacts/screenshots/restore-hosts-*.png.
//
// Needs `npm run build` and the peers from scripts/provision.mjs.

import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Business, Repo, RestoreRecord, Snapshot } from '../../shared';
import { startMinio, type MinioServer } from '../support/minio';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { SCREENSHOT_DIR, apiValue, launchChromium, startServe, type ServeProcess } from './serve-harness';

const run = promisify(execFile);

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A CSS attribute value for any path (quotes and unicode included). */
const attr = (value: string) => JSON.stringify(value);

/** Every file under `root` by relative path with its sha256, sorted: what "byte for byte" compares. */
async function filesUnder(root: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push([relative(root, full), createHash('sha256').update(await fs.readFile(full)).digest('hex')]);
    }
  };
  await walk(root);
  return out.sort(([a], [b]) => (a < b ? -1 : 1));
}

// Names a shell or a naive quoting would break: a double-quoted unicode name, a single quote, a space.
const UNICODE_NAME = 'quarterly report "Q3" — 报告.csv';
const QUOTED_NAME = "it's \"quoted\" & $(not run).txt";

describe('restore wizard to another host and to another folder on the original host (real MinIO, sshd, newest restic)', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let minio: MinioServer;
  let fleet: SshHosts;
  let hostA: SshHost;
  let hostB: SshHost;
  let repo: Repo;
  let business: Business;
  let snapshot: Snapshot;
  let source = '';
  let docs = '';
  let resticEnv: Record<string, string> = {};
  const problems: string[] = [];
  const newest = resticBinaries().at(-1)!;

  const restic = (args: string[]) =>
    run(newest.path, args, { env: { ...process.env, ...resticEnv }, maxBuffer: 64 * 1024 * 1024 });

  /** What restic itself restores (by hand, same snapshot and include) into a fresh folder. */
  const referenceRestore = async (include: string) => {
    const dir = await makeTempDir('rfc-e2e-hosts-ref-');
    await restic(['restore', snapshot.id, '--target', dir, `--include=${include}`]);
    return dir;
  };

  /** The restic runs a host's sshd sessions made, as [data root of the session, argv]. */
  const resticCalls = async (host: SshHost) =>
    (await fs.readFile(join(host.dataRoot, 'restic-calls.log'), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t') as [string, string]);
  /** The real (not dry-run) restore runs into `target` that the host's own sshd session started. */
  const restoresInto = async (host: SshHost, target: string) =>
    (await resticCalls(host)).filter(
      ([root, argv]) =>
        root === host.dataRoot &&
        / restore /.test(` ${argv} `) &&
        argv.includes(`--target=${target}`) &&
        !argv.includes('--dry-run'),
    );

  const next = () => page.locator('[data-testid=wizard-next]').click();

  /** Source (the test business, its S3 repository, host A's snapshot) and selection (the docs folder). */
  const sourceAndSelection = async () => {
    await page.click('[data-testid=nav-restore]');
    await page.waitForSelector('[data-testid=screen-restore]');
    await page.click('[data-testid=restore-tab-wizard]');
    if (await page.locator('[data-testid=restore-new]').count()) await page.click('[data-testid=restore-new]');
    await page.waitForSelector('[data-testid=restore-step-source]');
    await page.locator('[data-testid=restore-business]').click();
    await page.getByRole('option', { name: business.name }).click();
    await expect.poll(() => page.locator('[data-testid=restore-repo]').inputValue()).toBe(repo.name);
    await expect
      .poll(() => page.locator('[data-testid=restore-host]').inputValue(), { timeout: 60_000 })
      .toBe(`${hostA.name} · 1 snapshot`);
    const row = page.locator(`[data-testid=restore-snapshot-row][data-snapshot-id="${snapshot.id}"]`);
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    await next();

    await page.waitForSelector('[data-testid=restore-step-selection]');
    await page.getByText('Pick files and folders').click();
    const node = page.locator(`[data-testid=restore-tree-node][data-path=${attr(docs)}]`);
    await node.waitFor({ timeout: 60_000 });
    await node.locator('[data-testid=restore-tree-tick]').click();
    await expect
      .poll(() => page.locator('[data-testid=restore-selection-count]').getAttribute('data-entries'))
      .toBe('1');
    await next();
    await page.waitForSelector('[data-testid=restore-step-target]');
  };

  /** Preview → confirm (no safety snapshot: a new folder) → run → result; returns the record. */
  const previewRunResult = async (shots: { preview?: string; result?: string }) => {
    await next();
    const preview = page.locator('[data-testid=restore-preview]');
    await preview.waitFor({ timeout: 90_000 });
    expect(await preview.getAttribute('data-method')).toBe('dry-run');
    const originals = await filesUnder(docs);
    expect(await page.locator('[data-testid=restore-total-create]').getAttribute('data-files')).toBe(
      String(originals.length),
    );
    const command = (await page.locator('[data-testid=restore-preview-command-text]').textContent()) ?? '';
    expect(command).toContain('RESTIC_PASSWORD=***');
    expect(command).not.toContain(resticEnv.RESTIC_PASSWORD);
    expect(command).not.toContain(minio.secretKey);
    if (shots.preview) await shot(page, shots.preview);
    await next();
    const confirm = page.locator('[data-testid=restore-step-confirm]');
    await confirm.waitFor();
    expect(await confirm.getAttribute('data-safety')).toBe('none');
    await page.click('[data-testid=restore-start]');
    const result = page.locator('[data-testid=restore-result]');
    await result.waitFor({ timeout: 180_000 });
    const restoreId = (await result.getAttribute('data-restore-id'))!;
    const record = await apiValue<RestoreRecord>(serve, 'restore.get', { id: restoreId });
    expect(record.errors).toEqual([]);
    expect(await result.getAttribute('data-status')).toBe('succeeded');
    if (shots.result) await shot(page, shots.result);
    const shown = await page.locator('[data-testid=restore-command-0-text]').textContent();
    expect(shown).toContain('restore');
    expect(shown).not.toContain(resticEnv.RESTIC_PASSWORD);
    expect(shown).not.toContain(minio.secretKey);
    expect(JSON.stringify(record)).not.toContain(resticEnv.RESTIC_PASSWORD);
    expect(JSON.stringify(record)).not.toContain(minio.secretKey);
    return record;
  };

  beforeAll(async () => {
    minio = await startMinio();
    fleet = await startSshHosts(2, { namePrefix: 'xrestore', firstOctet: 190 });
    [hostA, hostB] = fleet.hosts as [SshHost, SshHost];

    // Host A's files: the folder to restore (unicode and quoted names, a nested binary) and one left out.
    source = join(hostA.dataRoot, 'srv');
    docs = join(source, 'docs');
    await fs.mkdir(join(docs, 'nested', 'deeper'), { recursive: true });
    await fs.writeFile(join(docs, UNICODE_NAME), 'id,total\n1,42\n2,报告\n');
    await fs.writeFile(join(docs, QUOTED_NAME), 'quoted names survive the shell\n');
    await fs.writeFile(join(docs, 'nested', 'deeper', 'blob.bin'), randomBytes(3 * 1024 * 1024));
    await fs.writeFile(join(docs, 'nested', 'notes.md'), '# notes\n');
    await fs.mkdir(join(source, 'other'), { recursive: true });
    await fs.writeFile(join(source, 'other', 'left-out.txt'), 'not selected\n');

    // An S3 repository on MinIO holding one snapshot of host A's files, made by restic by hand.
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const keys = { AWS_ACCESS_KEY_ID: minio.accessKey, AWS_SECRET_ACCESS_KEY: minio.secretKey };
    const location = `s3:${minio.endpoint}/xhost-restore-${randomBytes(3).toString('hex')}`;
    resticEnv = {
      RESTIC_REPOSITORY: location,
      RESTIC_PASSWORD: password,
      ...keys,
      RESTIC_CACHE_DIR: await makeTempDir('rfc-e2e-hosts-cache-'),
    };
    await restic(['init']);
    await restic(['backup', '-q', `--host=${hostA.name}`, '--', source]);

    serve = await startServe({
      dataDir: await makeTempDir('rfc-e2e-restore-hosts-'),
      env: { RFC_RESTIC_BINARY: newest.path },
    });
    const hostIds: string[] = [];
    for (const h of fleet.hosts) {
      // Each host's restic is a wrapper that notes which sshd session ran it (RFC_DATA_ROOT is
      // per host, set by that host's sshd) before running the real newest restic: proof of where
      // a restore ran, since both hosts share this machine's filesystem.
      const wrapper = join(h.dataRoot, 'bin', 'restic');
      await fs.mkdir(join(h.dataRoot, 'bin'), { recursive: true });
      await fs.writeFile(
        wrapper,
        `#!/bin/sh\nprintf '%s\\t%s\\n' "$RFC_DATA_ROOT" "$*" >> "$RFC_DATA_ROOT/restic-calls.log"\nexec ${newest.path} "$@"\n`,
        { mode: 0o755 },
      );
      const added = await apiValue<{ host: { id: string } }>(serve, 'hosts.add', {
        host: { name: h.name, address: h.address, port: h.port, user: h.user, resticPath: wrapper },
        key: { kind: 'paste', privateKey: h.privateKey },
      });
      await apiValue(serve, 'hosts.pinKey', { id: added.host.id, fingerprint: h.hostKeyFingerprintSha256 });
      hostIds.push(added.host.id);
    }
    business = await apiValue<Business>(serve, 'businesses.add', { name: 'Cross-host restores' });
    repo = await apiValue<Repo>(serve, 'repos.add', {
      name: 'xhost-s3',
      location,
      hostId: hostIds[0],
      businessId: business.id,
      password,
      secretEnv: keys,
    });
    const listed = (await apiValue<{ snapshots: Snapshot[] }>(serve, 'snapshots.list', { repoId: repo.id }))
      .snapshots;
    expect(listed).toHaveLength(1);
    snapshot = listed[0]!;
    expect(snapshot.hostname).toBe(hostA.name);

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`csp: ${m.text()}`);
    });
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=nav-restore]', { timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    await fleet?.stopAll();
    await minio?.dispose();
    await cleanupTempDirs();
  });

  it('restores a folder of host A onto host B (restic runs on host B over SSH), byte for byte', async () => {
    const target = join(hostB.dataRoot, 'restored from A');
    await sourceAndSelection();
    await page.locator('[data-testid=restore-target-otherHost]').check();
    await page.locator('[data-testid=restore-other-host]').click();
    await page.getByRole('option', { name: hostB.name, exact: true }).click();
    await page.fill('[data-testid=restore-target-path]', target);
    await expect
      .poll(() => page.locator('[data-testid=restore-target-caps]').textContent(), { timeout: 60_000 })
      .toContain(`restic ${newest.version}`);
    const record = await previewRunResult({
      preview: 'restore-hosts-preview-cross-host',
      result: 'restore-hosts-result-cross-host',
    });
    expect(record.targetHost).toBe(hostB.name);
    expect(await page.locator('[data-testid=restore-result]').textContent()).toContain(hostB.name);

    // On host B's filesystem: the original files, byte for byte, and only the selected folder.
    const landed = join(target, docs);
    const got = await filesUnder(landed);
    expect(got.map(([p]) => p)).toEqual(expect.arrayContaining([UNICODE_NAME, QUOTED_NAME]));
    expect(got).toEqual(await filesUnder(docs));
    expect(await filesUnder(target)).toEqual(await filesUnder(await referenceRestore(docs)));
    expect(existsSync(join(target, source, 'other'))).toBe(false);
    // restic ran on host B, in a session of host B's sshd; host A ran no restore for it.
    expect(await restoresInto(hostB, target)).toHaveLength(1);
    expect((await resticCalls(hostA)).filter(([, argv]) => argv.includes(target))).toEqual([]);
    expect(existsSync(join(hostA.dataRoot, 'restored from A'))).toBe(false);
  });

  it('restores the same folder into another folder on the original host (host A), byte for byte', async () => {
    const target = join(hostA.dataRoot, 'restore-here');
    await sourceAndSelection();
    await page.locator('[data-testid=restore-target-sameHostPath]').check();
    // The snapshot's host name is an inventory host: taken without asking.
    await expect.poll(() => page.locator('[data-testid=restore-original-host]').inputValue()).toBe(hostA.name);
    await page.fill('[data-testid=restore-target-path]', target);
    await expect
      .poll(() => page.locator('[data-testid=restore-target-caps]').textContent(), { timeout: 60_000 })
      .toContain(`restic ${newest.version}`);
    await shot(page, 'restore-hosts-target-same-host');
    const record = await previewRunResult({ result: 'restore-hosts-result-same-host' });
    expect(record.targetHost).toBe(hostA.name);
    expect(await restoresInto(hostA, target)).toHaveLength(1);
    expect((await resticCalls(hostB)).filter(([, argv]) => argv.includes(target))).toEqual([]);

    const got = await filesUnder(join(target, docs));
    expect(got.map(([p]) => p)).toEqual(expect.arrayContaining([UNICODE_NAME, QUOTED_NAME]));
    expect(got).toEqual(await filesUnder(docs));
    expect(await filesUnder(target)).toEqual(await filesUnder(await referenceRestore(docs)));
    expect(existsSync(join(target, source, 'other'))).toBe(false);
  });

  it('reported no page errors', () => {
    expect(problems).toEqual([]);
  });
});
