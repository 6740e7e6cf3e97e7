// Alerts through the real core (createCore, dispatch): channels of every
// kind sending to real local receivers (HTTP on 127.0.0.1, smtp-server),
// DingTalk's signature checked by the receiver, a receiver answering 500
// and one that is not there recorded as ALERT_DELIVERY_FAILED; then the
// daily check (real restic, both versions) firing only on change; secrets
// never in SQLite, logs, audit or replies.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  AlertChannel,
  AlertDelivery,
  AlertFired,
  DailyCheckItem,
  Envelope,
  EventMessage,
  JobRecord,
} from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { startHttpReceiver, startSmtpReceiver } from '../support/alert-receiver';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';
import { filesContaining, MemorySecretStore } from '../unit/store/fixtures';

const run = promisify(execFile);
const call = { origin: 'internal' as const };

afterAll(cleanupTempDirs);

async function reply(core: Core, method: string, input: unknown): Promise<Envelope<unknown>> {
  return core.dispatch(method, input, call);
}

async function dispatch<T>(core: Core, method: string, input: unknown): Promise<T> {
  const r = await reply(core, method, input);
  if (!r.ok) throw new Error(`${method}: expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function waitForJob(core: Core, id: string, timeoutMs = 100_000): Promise<JobRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await dispatch<{ job: JobRecord }>(core, 'jobs.get', { id });
    if (['succeeded', 'partial', 'failed', 'cancelled'].includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const DING_SECRET = 'SECd1e2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2';
const SMTP_PASSWORD = 'smtp-pw-Zq8!long-enough';

describe('alert channels and send test', () => {
  it('delivers test alerts to webhook, DingTalk (signed), Slack and SMTP receivers; failures are recorded, secrets stay in the secret store', async () => {
    const dataDir = await makeTempDir('rfc-alerts-');
    const logs: string[] = [];
    const receiver = await startHttpReceiver({ dingtalkSecret: DING_SECRET });
    const smtp = await startSmtpReceiver('alerts@example.com', SMTP_PASSWORD);
    // An in-memory secret store, so the test can see what is (and is no longer) kept there.
    const secretStore = new MemorySecretStore();
    const core = await createCore({
      dataDir,
      mode: 'serve',
      version: 'test',
      demo: false,
      secrets: secretStore,
      log: (m) => logs.push(m),
    });
    const replies: string[] = [];
    const rec = async <T>(method: string, input: unknown): Promise<T> => {
      const value = await dispatch<T>(core, method, input);
      replies.push(JSON.stringify(value));
      return value;
    };
    try {
      const biz = await rec<{ id: string }>('businesses.add', { name: 'Shop' });
      const tokens = {
        webhook: 'whk-token-7c1f0e9a2b3d4c5e6f',
        ding: 'dt-access-token-0a9b8c7d6e5f4a3b2c1d',
        slack: 'SLACKSECRETPART0123456789',
      };
      const urls = {
        webhook: `${receiver.base}/hook/${tokens.webhook}`,
        dingtalk: `${receiver.base}/dingtalk/robot/send?access_token=${tokens.ding}`,
        slack: `${receiver.base}/slack/services/T000/B000/${tokens.slack}`,
      };
      const webhook = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: biz.id,
        name: 'ops webhook',
        settings: { kind: 'webhook' },
        secrets: { url: urls.webhook },
      });
      expect(webhook).toMatchObject({
        kind: 'webhook',
        destination: receiver.base.replace('http://', ''),
        secrets: { url: true, signSecret: false, password: false },
        enabled: true,
      });
      const ding = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: biz.id,
        name: 'dingtalk group',
        settings: { kind: 'dingtalk', msgtype: 'markdown', atMobiles: ['13800000000'] },
        secrets: { url: urls.dingtalk, signSecret: DING_SECRET },
      });
      expect(ding.secrets).toEqual({ url: true, signSecret: true, password: false });
      const slack = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: biz.id,
        name: 'slack',
        settings: { kind: 'slack' },
        secrets: { url: urls.slack },
      });
      const mail = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: biz.id,
        name: 'mail',
        settings: {
          kind: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          tls: 'none',
          user: 'alerts@example.com',
          from: 'console@example.com',
          to: ['ops@example.com', 'oncall@example.com'],
        },
        secrets: { password: SMTP_PASSWORD },
      });
      expect(mail.destination).toBe(`smtp 127.0.0.1:${smtp.port} → ops@example.com, oncall@example.com`);

      // ---- webhook: the generic JSON shape
      const w = await rec<AlertDelivery>('alerts.test', { id: webhook.id });
      expect(w).toMatchObject({ result: 'delivered', httpStatus: 200, event: 'test', trigger: 'test' });
      const [hook] = receiver.at('/hook/');
      expect(hook!.path).toBe(`/hook/${tokens.webhook}`);
      expect(hook!.headers['content-type']).toMatch(/application\/json/);
      expect(hook!.body).toMatchObject({ event: 'test', business: 'Shop', status: 'ok' });
      expect(Object.keys(hook!.body as object).sort()).toEqual([
        'at',
        'business',
        'console',
        'event',
        'reason',
        'status',
      ]);

      // ---- DingTalk: markdown, signed (the receiver verified timestamp and sign)
      const d = await rec<AlertDelivery>('alerts.test', { id: ding.id });
      expect(d).toMatchObject({ result: 'delivered', httpStatus: 200 });
      const [dt] = receiver.at('/dingtalk');
      expect(dt!.query.access_token).toBe(tokens.ding);
      expect(dt!.query.timestamp).toMatch(/^\d{13}$/);
      expect(dt!.query.sign).toBeTruthy();
      expect(dt!.body).toMatchObject({
        msgtype: 'markdown',
        markdown: { title: expect.stringContaining('Test alert · Shop') },
        at: { atMobiles: ['13800000000'], isAtAll: false },
      });

      // A wrong signing secret: DingTalk answers 200 with errcode — a failed delivery.
      await rec('alerts.channelUpdate', { id: ding.id, secrets: { signSecret: 'SECwrongwrongwrong' } });
      const bad = await rec<AlertDelivery>('alerts.test', { id: ding.id });
      expect(bad).toMatchObject({
        result: 'failed',
        httpStatus: 200,
        error: { code: 'ALERT_DELIVERY_FAILED', message: expect.stringContaining('sign not match') },
      });
      // Cleared: unsigned (this receiver then refuses too, since it expects a sign).
      const cleared = await rec<AlertChannel>('alerts.channelUpdate', { id: ding.id, clear: ['signSecret'] });
      expect(cleared.secrets.signSecret).toBe(false);
      await rec('alerts.channelUpdate', { id: ding.id, secrets: { signSecret: DING_SECRET } });

      // ---- Slack: text + blocks
      const s = await rec<AlertDelivery>('alerts.test', { id: slack.id });
      expect(s).toMatchObject({ result: 'delivered', httpStatus: 200, reply: 'ok' });
      const [sl] = receiver.at('/slack');
      expect(sl!.body).toMatchObject({ text: expect.stringContaining('Test alert · Shop') });
      expect(Array.isArray((sl!.body as { blocks: unknown }).blocks)).toBe(true);

      // ---- SMTP: logged in, both recipients, the subject
      const m = await rec<AlertDelivery>('alerts.test', { id: mail.id });
      expect(m).toMatchObject({ result: 'delivered', reply: expect.stringMatching(/^250/) });
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toMatchObject({
        from: 'console@example.com',
        to: ['ops@example.com', 'oncall@example.com'],
        user: 'alerts@example.com',
      });
      expect(smtp.mails[0]!.raw).toMatch(/Subject: \[restic\] Test alert · Shop|Subject: =\?UTF-8\?/);
      // A wrong password: the server's refusal is the reply.
      await rec('alerts.channelUpdate', { id: mail.id, secrets: { password: 'not-the-password' } });
      const refused = await rec<AlertDelivery>('alerts.test', { id: mail.id });
      expect(refused).toMatchObject({
        result: 'failed',
        error: { code: 'ALERT_DELIVERY_FAILED', message: expect.stringContaining('refused the login') },
      });
      await rec('alerts.channelUpdate', { id: mail.id, secrets: { password: SMTP_PASSWORD } });

      // ---- a receiver answering 500, and one that is not there
      const broken = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: biz.id,
        name: 'broken',
        settings: { kind: 'webhook' },
        secrets: { url: `${receiver.base}/fail/${tokens.webhook}-500` },
      });
      const f = await rec<AlertDelivery>('alerts.test', { id: broken.id });
      expect(f).toMatchObject({
        result: 'failed',
        httpStatus: 500,
        error: { code: 'ALERT_DELIVERY_FAILED' },
      });
      expect(f.error!.message).toMatch(/answered HTTP 500/);
      const gone = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: biz.id,
        name: 'gone',
        settings: { kind: 'slack' },
        secrets: { url: `http://127.0.0.1:${await closedPort()}/slack/x/${tokens.slack}-gone` },
      });
      const g = await rec<AlertDelivery>('alerts.test', { id: gone.id });
      expect(g).toMatchObject({ result: 'failed', error: { code: 'ALERT_DELIVERY_FAILED' } });
      expect(g.error!.message).toMatch(/connection refused/);
      expect(g.httpStatus).toBeUndefined();

      // ---- history and last delivery per channel
      const history = await rec<AlertDelivery[]>('alerts.history', { businessId: biz.id });
      expect(history.map((h) => h.result)).toEqual([
        'failed', // gone: connection refused
        'failed', // broken: HTTP 500
        'failed', // mail: wrong password
        'delivered', // mail
        'delivered', // slack
        'failed', // dingtalk: wrong signing secret
        'delivered', // dingtalk
        'delivered', // webhook
      ]);
      expect(await rec<AlertDelivery[]>('alerts.history', { result: 'failed' })).toHaveLength(4);
      const listed = await rec<AlertChannel[]>('alerts.channels', { businessId: biz.id });
      expect(listed.find((c) => c.id === broken.id)!.lastDelivery).toMatchObject({
        result: 'failed',
        httpStatus: 500,
      });
      expect(listed.find((c) => c.id === webhook.id)!.lastDelivery).toMatchObject({ result: 'delivered' });

      // ---- bad input: typed errors, nothing changed
      const before = (await rec<AlertChannel[]>('alerts.channels', {})).length;
      const noUrl = await reply(core, 'alerts.channelAdd', {
        businessId: biz.id,
        name: 'x',
        settings: { kind: 'webhook' },
      });
      expect(noUrl).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const ftp = await reply(core, 'alerts.channelAdd', {
        businessId: biz.id,
        name: 'x',
        settings: { kind: 'webhook' },
        secrets: { url: 'ftp://example.com/x' },
      });
      expect(ftp).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const dup = await reply(core, 'alerts.channelAdd', {
        businessId: biz.id,
        name: 'OPS webhook',
        settings: { kind: 'webhook' },
        secrets: { url: urls.webhook },
      });
      expect(dup).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      const kind = await reply(core, 'alerts.channelUpdate', { id: webhook.id, settings: { kind: 'slack' } });
      expect(kind).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const pw = await reply(core, 'alerts.channelUpdate', {
        id: webhook.id,
        secrets: { password: 'x-password' },
      });
      expect(pw).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      expect((await rec<AlertChannel[]>('alerts.channels', {})).length).toBe(before);

      // ---- remove takes its secrets with it; history stays
      await rec('alerts.channelRemove', { id: gone.id });
      expect((await rec<AlertChannel[]>('alerts.channels', {})).some((c) => c.id === gone.id)).toBe(false);
      expect((await rec<AlertDelivery[]>('alerts.history', { channelId: gone.id })).length).toBe(1);

      // ---- a business removed takes its channels and their secrets with it
      const goneBiz = await rec<{ id: string }>('businesses.add', { name: 'Gone Co' });
      const goneToken = 'gone-co-token-0123456789abcdef';
      const goneChannel = await rec<AlertChannel>('alerts.channelAdd', {
        businessId: goneBiz.id,
        name: 'gone co hook',
        settings: { kind: 'webhook' },
        secrets: { url: `${receiver.base}/hook/${goneToken}` },
      });
      expect([...secretStore.values.values()].some((v) => v.includes(goneToken))).toBe(true);
      await rec('businesses.remove', { id: goneBiz.id, confirm: 'Gone Co' });
      expect((await rec<AlertChannel[]>('alerts.channels', {})).some((c) => c.id === goneChannel.id)).toBe(
        false,
      );
      expect([...secretStore.values.values()].some((v) => v.includes(goneToken))).toBe(false);
      expect([...secretStore.values.keys()].some((k) => k.includes(goneChannel.id))).toBe(false);
      // The removed 'gone' channel's URL went with it too; the others' are kept.
      expect([...secretStore.values.values()].some((v) => v.includes(`${tokens.slack}-gone`))).toBe(false);
      expect([...secretStore.values.values()].some((v) => v.includes(tokens.webhook))).toBe(true);

      // ---- secrets: not in any file but the secret store, not in logs, replies or the audit log
      const audit = JSON.stringify(await dispatch(core, 'audit.list', {}));
      expect(audit).toContain('alerts.channelAdd');
      for (const secret of [...Object.values(tokens), DING_SECRET, SMTP_PASSWORD]) {
        const files = (await filesContaining(dataDir, secret)).filter(
          (f) => !f.includes(`${path.sep}secrets`),
        );
        expect(files, `files holding ${secret.slice(0, 6)}…`).toEqual([]);
        expect(logs.join('\n')).not.toContain(secret);
        expect(replies.join('\n')).not.toContain(secret);
        expect(audit).not.toContain(secret);
      }
    } finally {
      await core.close();
      await receiver.close();
      await smtp.close();
    }
  }, 60_000);
});

for (const bin of resticBinaries()) {
  describe(`alerts from the daily check, restic ${bin.version}`, () => {
    it('fires for items that became failing, once; a broken receiver is recorded and breaks nothing', async () => {
      const restic = bin.path;
      const work = await makeTempDir('rfc-alerts-work-');
      const dataDir = await makeTempDir('rfc-alerts-data-');
      const cache = path.join(work, 'cache');
      const env = (repo: string, password: string) => ({
        ...process.env,
        RESTIC_REPOSITORY: repo,
        RESTIC_PASSWORD: password,
        RESTIC_CACHE_DIR: cache,
      });
      const password = 'correct horse';
      const repos = { rekeyed: path.join(work, 'rekeyed'), good: path.join(work, 'good') };
      const src = path.join(work, 'src');
      await fs.mkdir(src, { recursive: true });
      await fs.writeFile(path.join(src, 'a.txt'), 'a\n');
      for (const repo of Object.values(repos))
        await run(restic, ['init', '-q'], { env: env(repo, password) });
      await run(restic, ['backup', '-q', '--host=this machine', src], { env: env(repos.good, password) });

      const receiver = await startHttpReceiver();
      const logs: string[] = [];
      const core = await createCore({
        dataDir,
        mode: 'serve',
        version: 'test',
        demo: false,
        resticBinary: restic,
        log: (m) => logs.push(m),
      });
      const fired: AlertFired[] = [];
      core.events.subscribe((m: EventMessage) => {
        if (m.event === 'alerts.fired') fired.push(m.payload as AlertFired);
      });
      const db = new Database(path.join(dataDir, 'console.db'), { readonly: true, fileMustExist: true });
      /** The alerting of a check has decided when the state names it (sends follow; alerts.fired ends them). */
      const alertedAfter = async (checkId: string) => {
        const deadline = Date.now() + 30_000;
        while (!db.prepare('SELECT 1 FROM alert_state WHERE last_check_id = ?').get(checkId)) {
          if (Date.now() > deadline) throw new Error(`alerts for ${checkId} not done`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const check = async () => {
        const started = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
        expect((await waitForJob(core, started.jobId)).status).toBe('succeeded');
        await alertedAfter(started.checkId);
        return started.checkId;
      };
      const firedCount = async (n: number) => {
        const deadline = Date.now() + 30_000;
        while (fired.length < n) {
          if (Date.now() > deadline) throw new Error(`${fired.length} of ${n} alerts.fired events`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        const biz = await dispatch<{ id: string }>(core, 'businesses.add', { name: 'shop' });
        const other = await dispatch<{ id: string }>(core, 'businesses.add', { name: 'quiet' });
        const repoIds: Record<string, string> = {};
        for (const [name, location] of Object.entries(repos))
          repoIds[name] = (
            await dispatch<{ id: string }>(core, 'repos.add', {
              name,
              location,
              hostId: 'local',
              businessId: biz.id,
              password,
            })
          ).id;
        await dispatch(core, 'plans.add', {
          name: 'docs',
          businessId: biz.id,
          hostId: 'local',
          repositoryId: repoIds.good,
          paths: [src],
        });
        const token = 'check-hook-token-5e4d3c2b1a';
        await dispatch(core, 'alerts.channelAdd', {
          businessId: biz.id,
          name: 'hook',
          settings: { kind: 'webhook' },
          secrets: { url: `${receiver.base}/hook/${token}` },
        });
        await dispatch(core, 'alerts.channelAdd', {
          businessId: biz.id,
          name: 'broken',
          settings: { kind: 'webhook' },
          secrets: { url: `${receiver.base}/fail/${token}` },
        });
        const quietHook = await dispatch<AlertChannel>(core, 'alerts.channelAdd', {
          businessId: other.id,
          name: 'quiet hook',
          settings: { kind: 'webhook' },
          secrets: { url: `${receiver.base}/quiet/${token}` },
        });

        // The password changed behind the console's back: the repository item fails.
        const newPass = path.join(work, 'new-password');
        await fs.writeFile(newPass, 'another password\n');
        await run(restic, ['key', 'passwd', `--new-password-file=${newPass}`], {
          env: env(repos.rekeyed, password),
        });

        // ---- check 1: the failing items alert, to this business's channels only
        const first = await check();
        const items = (
          await dispatch<{
            items: { item: string; status: string; repositoryId: string | null; reason: string }[];
          }>(core, 'fleet.check', { id: first })
        ).items;
        const failing = items.filter((i) => i.status === 'failing');
        expect(failing.some((i) => i.item === 'repository' && i.repositoryId === repoIds.rekeyed)).toBe(true);
        await firedCount(1);
        const hooks1 = receiver.at('/hook/');
        expect(hooks1.length).toBe(failing.length);
        const repoAlert = hooks1
          .map((r) => r.body as Record<string, unknown>)
          .find((b) => b.item === 'repository');
        expect(repoAlert).toMatchObject({
          event: 'check-failed',
          business: 'shop',
          host: 'this machine',
          repository: 'rekeyed',
          status: 'failing',
          reason: expect.stringMatching(/password/),
          console: expect.stringContaining('restic-fleet-console'),
        });
        expect(receiver.at('/fail/').length).toBe(failing.length);
        expect(receiver.at('/quiet/')).toEqual([]);
        const deliveries1 = await dispatch<AlertDelivery[]>(core, 'alerts.history', { businessId: biz.id });
        expect(deliveries1.filter((d) => d.result === 'delivered' && d.trigger === 'check')).toHaveLength(
          failing.length,
        );
        const failed1 = deliveries1.filter((d) => d.result === 'failed');
        expect(failed1).toHaveLength(failing.length);
        expect(failed1[0]!.error).toMatchObject({
          code: 'ALERT_DELIVERY_FAILED',
          message: expect.stringContaining('HTTP 500'),
        });
        expect(fired).toEqual([
          expect.objectContaining({
            businessId: biz.id,
            businessName: 'shop',
            count: failing.length,
            delivered: failing.length,
            failed: failing.length,
          }),
        ]);
        expect(await dispatch<AlertDelivery[]>(core, 'alerts.history', { channelId: quietHook.id })).toEqual(
          [],
        );

        // ---- check 2: nothing changed, nothing sent (a wrong send would have had time to arrive)
        await check();
        await new Promise((r) => setTimeout(r, 1_500));
        expect(receiver.at('/hook/').length).toBe(hooks1.length);
        expect(fired).toHaveLength(1);

        // ---- check 3: the good repository disappears; only what became failing is sent
        await fs.rm(repos.good, { recursive: true });
        const third = await check();
        const items3 = (
          await dispatch<{ items: { item: string; status: string; repositoryId: string | null }[] }>(
            core,
            'fleet.check',
            { id: third },
          )
        ).items;
        const failingBefore = new Set(failing.map((i) => `${i.item}|${i.repositoryId}`));
        const newlyFailing = items3.filter(
          (i) =>
            i.status === 'failing' &&
            i.repositoryId === repoIds.good &&
            !failingBefore.has(`${i.item}|${i.repositoryId}`),
        );
        expect(newlyFailing.length).toBeGreaterThan(0);
        await firedCount(2);
        const hooks3 = receiver.at('/hook/').slice(hooks1.length);
        expect(hooks3.length).toBe(newlyFailing.length);
        expect(hooks3.every((r) => (r.body as { repository?: string }).repository === 'good')).toBe(true);
        expect(fired).toHaveLength(2);

        // The broken receiver never broke a check, and the URL's token is nowhere in the logs or the database.
        expect(logs.some((l) => l.includes('alert delivery failed') && l.includes('HTTP 500'))).toBe(true);
        expect(logs.join('\n')).not.toContain(token);
        const files = (await filesContaining(dataDir, token)).filter(
          (f) => !f.includes(`${path.sep}secrets`),
        );
        expect(files).toEqual([]);
      } finally {
        db.close();
        await core.close();
        await receiver.close();
      }
    }, 240_000);
  });
}

describe('alerts for an unreachable host (real sshd, newest restic)', () => {
  let fleet: SshHosts | undefined;
  afterAll(async () => {
    await fleet?.stopAll();
  });

  it('a host going down alerts its business once; back up and down again alerts again', async () => {
    const restic = resticBinaries().at(-1)!.path;
    fleet = await startSshHosts(1, { namePrefix: 'alert', firstOctet: 140 });
    const host = fleet.hosts[0]!;
    const dataDir = await makeTempDir('rfc-alerts-ssh-');
    const receiver = await startHttpReceiver();
    const core = await createCore({
      dataDir,
      mode: 'serve',
      version: 'test',
      demo: false,
      resticBinary: restic,
      log: () => undefined,
    });
    const fired: AlertFired[] = [];
    core.events.subscribe((m: EventMessage) => {
      if (m.event === 'alerts.fired') fired.push(m.payload as AlertFired);
    });
    const db = new Database(path.join(dataDir, 'console.db'), { readonly: true, fileMustExist: true });
    const check = async (): Promise<DailyCheckItem[]> => {
      const started = await dispatch<{ checkId: string; jobId: string }>(core, 'fleet.dailyCheck', {});
      expect((await waitForJob(core, started.jobId)).status).toBe('succeeded');
      const deadline = Date.now() + 30_000;
      while (!db.prepare('SELECT 1 FROM alert_state WHERE last_check_id = ?').get(started.checkId)) {
        if (Date.now() > deadline) throw new Error('alerting not done');
        await new Promise((r) => setTimeout(r, 50));
      }
      return (await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', { id: started.checkId }))
        .items;
    };
    const firedCount = async (n: number) => {
      const deadline = Date.now() + 30_000;
      while (fired.length < n) {
        if (Date.now() > deadline) throw new Error(`${fired.length} of ${n} alerts.fired events`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      const biz = await dispatch<{ id: string }>(core, 'businesses.add', { name: 'remote' });
      const added = await dispatch<{ host: { id: string } }>(core, 'hosts.add', {
        host: {
          name: host.name,
          address: host.address,
          port: host.port,
          user: host.user,
          resticPath: restic,
        },
        key: { kind: 'paste', privateKey: host.privateKey },
      });
      await dispatch(core, 'hosts.pinKey', { id: added.host.id, fingerprint: host.hostKeyFingerprintSha256 });
      const source = path.join(host.dataRoot, 'srv');
      await fs.mkdir(source, { recursive: true });
      await fs.writeFile(path.join(source, 'f.txt'), 'x');
      const repo = await dispatch<{ id: string }>(core, 'repos.add', {
        name: 'remote-repo',
        location: path.join(host.dataRoot, 'repo'),
        hostId: added.host.id,
        businessId: biz.id,
        password: 'ssh-pass',
        init: true,
      });
      await dispatch(core, 'plans.add', {
        name: 'srv',
        businessId: biz.id,
        hostId: added.host.id,
        repositoryId: repo.id,
        paths: [source],
      });
      await dispatch(core, 'alerts.channelAdd', {
        businessId: biz.id,
        name: 'hook',
        settings: { kind: 'webhook' },
        secrets: { url: `${receiver.base}/hook/remote-token-0123456789` },
      });

      // Up: whatever fails now (no snapshot yet, never verified) alerts once.
      const first = await check();
      expect(first.find((i) => i.item === 'reachable')!.status).toBe('ok');
      const firstFailing = first.filter((i) => i.status === 'failing').length;
      if (firstFailing > 0) await firedCount(1);
      const base = receiver.at('/hook/').length;
      expect(base).toBe(firstFailing);

      // Down: the host item (it has no business: it goes to the business using the host) and what depends on it.
      await host.stop();
      const down = await check();
      const reachable = down.find((i) => i.item === 'reachable')!;
      expect(reachable).toMatchObject({ status: 'failing', businessId: null, hostId: added.host.id });
      await firedCount(firstFailing > 0 ? 2 : 1);
      const sent = receiver
        .at('/hook/')
        .slice(base)
        .map((r) => r.body as Record<string, unknown>);
      expect(sent.find((b) => b.item === 'reachable')).toMatchObject({
        event: 'check-failed',
        business: 'remote',
        host: host.name,
        status: 'failing',
        reason: reachable.reason,
      });
      const newlyFailing = down.filter(
        (i) =>
          i.status === 'failing' &&
          !first.some(
            (f) =>
              f.status === 'failing' &&
              f.item === i.item &&
              f.hostId === i.hostId &&
              f.planId === i.planId &&
              f.repositoryId === i.repositoryId,
          ),
      );
      expect(sent).toHaveLength(newlyFailing.length);

      // Still down: nothing new.
      const afterDown = receiver.at('/hook/').length;
      await check();
      await new Promise((r) => setTimeout(r, 1_000));
      expect(receiver.at('/hook/').length).toBe(afterDown);

      // Back up (nothing sent), then down again: a change, so it alerts again.
      await host.start();
      await check();
      await new Promise((r) => setTimeout(r, 1_000));
      const afterUp = receiver.at('/hook/').length;
      await host.stop();
      await check();
      await receiver.waitFor('/hook/', afterUp + 1);
      expect(
        receiver
          .at('/hook/')
          .slice(afterUp)
          .some((r) => (r.body as { item?: string }).item === 'reachable'),
      ).toBe(true);
    } finally {
      db.close();
      await core.close();
      await receiver.close();
    }
  }, 240_000);
});
