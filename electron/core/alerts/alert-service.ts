/**
 * Alert channels (rows without secrets + secret store), sending, the
 * delivery history, and firing after each daily check. A delivery that
 * fails is recorded (ALERT_DELIVERY_FAILED) and logged in words without
 * the URL; it never breaks the check or anything else.
 */
import os from 'node:os';
import {
  ConsoleError,
  type AlertChannel,
  type AlertChannelSettings,
  type AlertDelivery,
  type AlertEventKind,
  type AlertFired,
  type JobRecord,
} from '../../../shared';
import type { CoreContext } from '../context';
import { DAILY_CHECK_JOB_KIND } from '../fleet/daily-check';
import { AlertStore, type AlertChannelRecord } from './alert-store';
import { deliver, type ChannelSecrets, type DeliverOptions } from './deliver';
import { decideAlerts, type FiredItem, type FiringOptions } from './firing';
import { EVENT_WORDS, urlHost, type AlertMessage } from './payloads';
import { alertSecretNames, type AlertSecretKey } from './secrets';

export type AlertServiceContext = Pick<
  CoreContext,
  'store' | 'secrets' | 'redactor' | 'events' | 'log' | 'version'
>;

export interface AlertServiceOptions extends FiringOptions, DeliverOptions {}

const URL_KINDS = new Set(['webhook', 'dingtalk', 'slack']);
const SEVERITY_ORDER: AlertEventKind[] = [
  'backup-failed',
  'backup-stale',
  'drill-failed',
  'check-failed',
  'test',
];

export function destinationOf(settings: AlertChannelSettings, url: string | undefined): string {
  if (settings.kind === 'email') return `smtp ${settings.host}:${settings.port} → ${settings.to.join(', ')}`;
  return url ? urlHost(url) : '';
}

export class AlertService {
  readonly store: AlertStore;
  private chain: Promise<void> = Promise.resolve();
  private readonly handledChecks = new Set<string>();
  private readonly consoleName: string;

  constructor(
    private readonly ctx: AlertServiceContext,
    private readonly options: AlertServiceOptions = {},
  ) {
    this.store = new AlertStore(ctx.store.db);
    this.consoleName = `restic-fleet-console ${ctx.version} on ${os.hostname()}`;
  }

  // ---- channels

  private async secretFlags(id: string): Promise<AlertChannel['secrets']> {
    const { secrets } = this.ctx;
    const [url, signSecret, password] = await Promise.all([
      secrets.has(alertSecretNames.url(id)),
      secrets.has(alertSecretNames.signSecret(id)),
      secrets.has(alertSecretNames.password(id)),
    ]);
    return { url, signSecret, password };
  }

  private async toChannel(record: AlertChannelRecord, last?: AlertDelivery): Promise<AlertChannel> {
    return {
      ...record,
      secrets: await this.secretFlags(record.id),
      ...(last
        ? {
            lastDelivery: {
              at: last.at,
              result: last.result,
              event: last.event,
              ...(last.httpStatus !== undefined ? { httpStatus: last.httpStatus } : {}),
              ...(last.error ? { error: last.error } : {}),
            },
          }
        : {}),
    };
  }

  /** Deletes the secrets of channels that are gone (removed, or with their business). */
  async purgeRemovedSecrets(): Promise<void> {
    for (const id of this.store.removedChannelIds()) {
      await this.deleteSecrets(id);
      this.store.forgetRemoved(id);
    }
  }

  async list(businessId?: string): Promise<AlertChannel[]> {
    await this.purgeRemovedSecrets();
    const last = this.store.lastDeliveries();
    const records = this.store.listChannels(businessId !== undefined ? { businessId } : {});
    return Promise.all(records.map((r) => this.toChannel(r, last.get(r.id))));
  }

  async get(id: string): Promise<AlertChannel> {
    return this.toChannel(this.store.getChannel(id), this.store.lastDeliveries().get(id));
  }

  private checkSecretsFit(kind: AlertChannelSettings['kind'], secrets: ChannelSecrets): void {
    if (secrets.url !== undefined && !URL_KINDS.has(kind))
      throw new ConsoleError('BAD_REQUEST', 'An e-mail channel has no URL; set the SMTP server instead.');
    if (secrets.signSecret !== undefined && kind !== 'dingtalk')
      throw new ConsoleError('BAD_REQUEST', 'Only a DingTalk robot has a signing secret.');
    if (secrets.password !== undefined && kind !== 'email')
      throw new ConsoleError('BAD_REQUEST', 'Only an e-mail channel has an SMTP password.');
  }

  private async writeSecrets(id: string, secrets: ChannelSecrets): Promise<void> {
    for (const key of ['url', 'signSecret', 'password'] as const) {
      const value = secrets[key];
      if (value !== undefined) {
        this.remember(value);
        await this.ctx.secrets.set(alertSecretNames[key](id), value);
      }
    }
  }

  async add(input: {
    businessId: string;
    name: string;
    enabled: boolean;
    settings: AlertChannelSettings;
    secrets: ChannelSecrets;
  }): Promise<AlertChannel> {
    const { settings, secrets } = input;
    this.checkSecretsFit(settings.kind, secrets);
    if (URL_KINDS.has(settings.kind) && !secrets.url)
      throw new ConsoleError('BAD_REQUEST', 'This channel needs the URL to post to.');
    if (settings.kind === 'email' && settings.user && !secrets.password)
      throw new ConsoleError(
        'BAD_REQUEST',
        'An SMTP user needs its password (leave the user empty for no login).',
      );
    const record = this.store.addChannel({
      businessId: input.businessId,
      name: input.name,
      enabled: input.enabled,
      settings,
      destination: destinationOf(settings, secrets.url),
    });
    try {
      await this.writeSecrets(record.id, secrets);
    } catch (error) {
      // Nothing half-made: a channel without its URL would fail every alert.
      this.store.removeChannel(record.id);
      await this.purgeRemovedSecrets();
      throw error;
    }
    return this.get(record.id);
  }

  async update(input: {
    id: string;
    name?: string;
    enabled?: boolean;
    settings?: AlertChannelSettings;
    secrets?: ChannelSecrets;
    clear?: ('signSecret' | 'password')[];
  }): Promise<AlertChannel> {
    const current = this.store.getChannel(input.id);
    if (input.settings && input.settings.kind !== current.kind)
      throw new ConsoleError(
        'BAD_REQUEST',
        `This channel is a ${current.kind} channel; remove it and add a ${input.settings.kind} one instead.`,
      );
    const secrets = input.secrets ?? {};
    this.checkSecretsFit(current.kind, secrets);
    for (const key of input.clear ?? []) {
      if (secrets[key] !== undefined)
        throw new ConsoleError('BAD_REQUEST', `Either set or clear the ${key}, not both.`);
      this.checkSecretsFit(current.kind, { [key]: '' });
    }
    const settings = input.settings ?? current.settings;
    if (settings.kind === 'email' && settings.user) {
      const willHave =
        secrets.password !== undefined ||
        (!(input.clear ?? []).includes('password') &&
          (await this.ctx.secrets.has(alertSecretNames.password(current.id))));
      if (!willHave)
        throw new ConsoleError(
          'BAD_REQUEST',
          'An SMTP user needs its password (leave the user empty for no login).',
        );
    }
    const destination =
      settings.kind === 'email'
        ? destinationOf(settings, undefined)
        : secrets.url
          ? destinationOf(settings, secrets.url)
          : current.destination;
    await this.writeSecrets(current.id, secrets);
    for (const key of input.clear ?? []) await this.ctx.secrets.delete(alertSecretNames[key](current.id));
    this.store.updateChannel(current.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      settings,
      destination,
    });
    return this.get(current.id);
  }

  private async deleteSecrets(id: string): Promise<void> {
    for (const key of Object.keys(alertSecretNames) as AlertSecretKey[])
      await this.ctx.secrets.delete(alertSecretNames[key](id));
  }

  async remove(id: string): Promise<void> {
    this.store.getChannel(id);
    this.store.removeChannel(id);
    await this.purgeRemovedSecrets();
  }

  /**
   * Makes a URL's token (query values, long path segments, user info) known
   * to the redactor, so a receiver echoing only the token is masked too.
   */
  private remember(value: string): void {
    this.ctx.redactor.add(value);
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      return;
    }
    for (const v of u.searchParams.values()) if (v.length >= 8) this.ctx.redactor.add(v);
    for (const seg of u.pathname.split('/')) if (seg.length >= 16) this.ctx.redactor.add(seg);
    if (u.password) this.ctx.redactor.add(decodeURIComponent(u.password));
  }

  private async readSecrets(id: string): Promise<ChannelSecrets> {
    const { secrets } = this.ctx;
    const [url, signSecret, password] = await Promise.all([
      secrets.get(alertSecretNames.url(id)),
      secrets.get(alertSecretNames.signSecret(id)),
      secrets.get(alertSecretNames.password(id)),
    ]);
    if (url) this.remember(url);
    return {
      ...(url ? { url } : {}),
      ...(signSecret ? { signSecret } : {}),
      ...(password ? { password } : {}),
    };
  }

  // ---- sending

  /** Sends one message through one channel and records the delivery. Never throws. */
  async send(
    channel: AlertChannelRecord,
    message: AlertMessage,
    trigger: AlertDelivery['trigger'],
    summary: string,
  ): Promise<AlertDelivery> {
    const { redactor } = this.ctx;
    let outcome;
    try {
      outcome = await deliver(channel.settings, await this.readSecrets(channel.id), message, this.options);
    } catch (error) {
      outcome = {
        result: 'failed' as const,
        error: {
          code: 'ALERT_DELIVERY_FAILED' as const,
          message: error instanceof Error ? error.message : String(error),
        },
        durationMs: 0,
      };
    }
    const delivery = this.store.recordDelivery({
      channelId: channel.id,
      channelName: channel.name,
      channelKind: channel.kind,
      businessId: channel.businessId,
      businessName: channel.businessName,
      event: message.event,
      trigger,
      summary: redactor.redact(summary),
      result: outcome.result,
      ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
      ...(outcome.reply !== undefined ? { reply: redactor.redact(outcome.reply) } : {}),
      ...(outcome.error
        ? { error: { code: outcome.error.code, message: redactor.redact(outcome.error.message) } }
        : {}),
      durationMs: outcome.durationMs,
    });
    if (delivery.result === 'failed')
      this.ctx.log(
        `alert delivery failed: channel ${channel.name} (${channel.kind}, ${channel.destination}) for ${channel.businessName}: ${delivery.error?.code}: ${delivery.error?.message}`,
      );
    return delivery;
  }

  async test(id: string): Promise<AlertDelivery> {
    const channel = this.store.getChannel(id);
    const message: AlertMessage = {
      event: 'test',
      business: channel.businessName,
      status: 'ok',
      reason: `Test alert for channel "${channel.name}": if you can read this, alerts of ${channel.businessName} reach you here.`,
      at: new Date().toISOString(),
      console: this.consoleName,
    };
    return this.send(channel, message, 'test', `test of channel ${channel.name}`);
  }

  // ---- firing after the daily check

  /** Subscribes to job events: a daily check that ends "succeeded" is looked at once. Returns the unsubscribe. */
  watchDailyChecks(): () => void {
    return this.ctx.events.subscribe((message) => {
      if (message.event !== 'jobs.changed') return;
      const job = (message.payload as { job: JobRecord }).job;
      if (job.kind !== DAILY_CHECK_JOB_KIND || job.status !== 'succeeded') return;
      const row = this.ctx.store.db.prepare('SELECT id FROM daily_checks WHERE job_id = ?').get(job.id) as
        { id: string } | undefined;
      if (row) void this.afterCheck(row.id);
    });
  }

  /** Queues the alerting of one finished check (one at a time, in order). Resolves when it is done. */
  afterCheck(checkId: string): Promise<void> {
    if (this.handledChecks.has(checkId)) return this.chain;
    this.handledChecks.add(checkId);
    this.chain = this.chain
      .then(() => this.fireForCheck(checkId))
      .catch((error: unknown) => {
        this.ctx.log(
          `alerts after daily check ${checkId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      });
    return this.chain;
  }

  /** Resolves when every queued check's alerts are sent. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async fireForCheck(checkId: string): Promise<void> {
    const { store } = this.ctx;
    if (!store.db.open) return;
    const check = store.dailyChecks.get(checkId);
    if (check.status !== 'done') return;
    const items = store.dailyChecks.items(checkId);
    const businesses = new Map(store.businesses.list().map((b) => [b.id, b.name]));
    const byHost = new Map<string, Set<string>>();
    const use = (hostId: string, businessId: string | null): void => {
      if (!businessId) return;
      const set = byHost.get(hostId) ?? new Set<string>();
      set.add(businessId);
      byHost.set(hostId, set);
    };
    for (const r of await store.repositories.list()) use(r.hostId, r.businessId);
    for (const p of store.plans.list()) use(p.hostId, p.businessId);
    const decision = decideAlerts(
      checkId,
      items,
      this.store.states(),
      businesses,
      new Map([...byHost].map(([k, v]) => [k, [...v]])),
      Date.now(),
      this.options,
    );
    // The state is kept first: a crash while sending must not make the next check alert everything again.
    this.store.replaceStates(decision.states);

    const channels = this.store.listChannels().filter((c) => c.enabled);
    await Promise.all(
      [...decision.fire].map(async ([businessId, entry]) => {
        const mine = channels.filter((c) => c.businessId === businessId);
        const messages = entry.items.map((f) => ({ summary: summaryOf(f), message: this.messageFor(f) }));
        if (entry.folded.length > 0) messages.push(this.foldedMessage(entry.businessName, entry.folded));
        let delivered = 0;
        let failed = 0;
        // One channel's messages in order; channels side by side.
        await Promise.all(
          mine.map(async (channel) => {
            for (const { summary, message } of messages) {
              const d = await this.send(channel, message, 'check', summary);
              if (d.result === 'delivered') delivered += 1;
              else failed += 1;
            }
          }),
        );
        const all = [...entry.items, ...entry.folded];
        const first = all[0]!;
        const worst = SEVERITY_ORDER.find((k) => all.some((f) => f.event === k)) ?? first.event;
        const fired: AlertFired = {
          businessId,
          businessName: entry.businessName,
          event: worst,
          count: all.length,
          headline: summaryOf(first),
          delivered,
          failed,
          at: new Date().toISOString(),
        };
        this.ctx.events.emit('alerts.fired', fired);
      }),
    );
  }

  private messageFor(f: FiredItem): AlertMessage {
    const i = f.item;
    const data = i.data;
    const planName = typeof data.planName === 'string' ? data.planName : undefined;
    const repoName = typeof data.repositoryName === 'string' ? data.repositoryName : undefined;
    return {
      event: f.event,
      business: f.businessName,
      ...(i.hostName ? { host: i.hostName } : {}),
      ...(planName ? { plan: planName } : {}),
      ...(repoName ? { repository: repoName } : {}),
      item: i.item,
      status: i.status,
      reason: i.reason,
      at: i.at,
      console: this.consoleName,
      ...(f.reminder ? { reminder: true } : {}),
    };
  }

  private foldedMessage(
    businessName: string,
    folded: FiredItem[],
  ): { summary: string; message: AlertMessage } {
    const kinds = [...new Set(folded.map((f) => EVENT_WORDS[f.event].toLowerCase()))].join(', ');
    const reason = `${folded.length} more items failing (${kinds}), not sent one by one; see the daily check's board.`;
    return {
      summary: reason,
      message: {
        event: 'check-failed',
        business: businessName,
        status: 'failing',
        reason,
        at: folded[0]!.item.at,
        console: this.consoleName,
      },
    };
  }
}

function summaryOf(f: Pick<FiredItem, 'item' | 'event' | 'reminder'>): string {
  const i = f.item;
  const where = [i.hostName, typeof i.data.planName === 'string' ? i.data.planName : undefined]
    .filter(Boolean)
    .join(' / ');
  return `${f.reminder ? 'reminder: ' : ''}${EVENT_WORDS[f.event]}${where ? ` · ${where}` : ''}: ${i.reason}`.slice(
    0,
    500,
  );
}
