/**
 * What an alert says, per channel kind. Pure functions (no I/O), so the
 * shapes are unit-tested and the host-side runner can post the same ones
 * from sh:
 *
 * - generic JSON webhook: `{event, business, host?, plan?, status, reason, at, console}`
 *   (plus `repository?`, `item?`, `reminder?` when known);
 * - DingTalk robot: `{msgtype: "markdown", markdown: {title, text}, at}` or
 *   `{msgtype: "text", text: {content}, at}`; with a "加签" secret the URL
 *   gets `timestamp` (ms) and `sign` = base64(HMAC-SHA256(secret, "<timestamp>\n<secret>"));
 * - Slack-compatible incoming webhook: `{text, blocks}` (text is the
 *   fallback Mattermost and Rocket.Chat show);
 * - e-mail: a subject and a plain-text body.
 */
import { createHmac } from 'node:crypto';
import type { AlertEventKind, CheckStatus } from '../../../shared';

export interface AlertMessage {
  event: AlertEventKind;
  business: string;
  host?: string;
  plan?: string;
  repository?: string;
  /** The daily-check item kind (freshness, repository, runner, …). */
  item?: string;
  status: CheckStatus;
  reason: string;
  /** ISO 8601 UTC. */
  at: string;
  /** Who sends it: "restic-fleet-console 1.2.3" (the runner puts "runner@<host>"). */
  console: string;
  /** A failure that is still there, told again after the reminder period. */
  reminder?: boolean;
}

export interface GenericPayload {
  event: AlertEventKind;
  business: string;
  host?: string;
  plan?: string;
  repository?: string;
  item?: string;
  status: CheckStatus;
  reason: string;
  at: string;
  console: string;
  reminder?: boolean;
}

export type DingTalkPayload =
  | { msgtype: 'markdown'; markdown: { title: string; text: string }; at: DingTalkAt }
  | { msgtype: 'text'; text: { content: string }; at: DingTalkAt };

export interface DingTalkAt {
  atMobiles: string[];
  isAtAll: boolean;
}

export interface SlackPayload {
  text: string;
  blocks?: unknown[];
}

export const EVENT_WORDS: Record<AlertEventKind, string> = {
  'backup-failed': 'Backup failed',
  'backup-stale': 'Backup stale',
  'check-failed': 'Daily check failing',
  'drill-failed': 'Restore drill failed',
  test: 'Test alert',
};

/** "Backup failed · Shop · web-1" (plus "(reminder)"). */
export function alertTitle(m: AlertMessage): string {
  const parts = [EVENT_WORDS[m.event], m.business, ...(m.host ? [m.host] : [])];
  return `${parts.join(' · ')}${m.reminder ? ' (reminder)' : ''}`;
}

/** The facts as label/value lines, in one order for every channel. */
function facts(m: AlertMessage): [string, string][] {
  const out: [string, string][] = [['Business', m.business]];
  if (m.host) out.push(['Host', m.host]);
  if (m.plan) out.push(['Plan', m.plan]);
  if (m.repository) out.push(['Repository', m.repository]);
  if (m.item) out.push(['Item', m.item]);
  out.push(['Status', m.status], ['Reason', m.reason], ['At', m.at]);
  return out;
}

export function genericPayload(m: AlertMessage): GenericPayload {
  return {
    event: m.event,
    business: m.business,
    ...(m.host !== undefined ? { host: m.host } : {}),
    ...(m.plan !== undefined ? { plan: m.plan } : {}),
    ...(m.repository !== undefined ? { repository: m.repository } : {}),
    ...(m.item !== undefined ? { item: m.item } : {}),
    status: m.status,
    reason: m.reason,
    at: m.at,
    console: m.console,
    ...(m.reminder ? { reminder: true } : {}),
  };
}

const STATUS_MARK: Record<CheckStatus, string> = { failing: '🔴', warning: '🟠', ok: '🟢' };

export function dingtalkPayload(
  m: AlertMessage,
  options: { msgtype: 'markdown' | 'text'; atMobiles?: readonly string[]; atAll?: boolean },
): DingTalkPayload {
  const atMobiles = [...(options.atMobiles ?? [])];
  const at: DingTalkAt = { atMobiles, isAtAll: options.atAll ?? false };
  // DingTalk only notifies a mentioned member when "@<mobile>" also appears in the text.
  const mentions = [...atMobiles.map((n) => `@${n}`), ...(options.atAll ? ['@all'] : [])].join(' ');
  const title = alertTitle(m);
  if (options.msgtype === 'text') {
    const lines = [`[restic] ${title}`, ...facts(m).map(([k, v]) => `${k}: ${v}`), m.console];
    if (mentions) lines.push(mentions);
    return { msgtype: 'text', text: { content: lines.join('\n') }, at };
  }
  const lines = [
    `### ${STATUS_MARK[m.status]} [restic] ${title}`,
    '',
    ...facts(m).map(([k, v]) => `- **${k}:** ${v.replace(/\n/g, ' ')}`),
    '',
    `> ${m.console}`,
  ];
  if (mentions) lines.push('', mentions);
  return { msgtype: 'markdown', markdown: { title: `[restic] ${title}`, text: lines.join('\n') }, at };
}

/** Slack's mrkdwn needs &, < and > escaped (they start links and mentions). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function slackPayload(m: AlertMessage): SlackPayload {
  const title = slackEscape(alertTitle(m));
  const text = `${STATUS_MARK[m.status]} *${title}*: ${slackEscape(m.reason)}`;
  const fields = facts(m)
    .filter(([k]) => k !== 'Reason' && k !== 'At')
    .map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}:*\n${slackEscape(v)}` }));
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${STATUS_MARK[m.status]} *${title}*` } },
      { type: 'section', fields: fields.slice(0, 10) },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(m.reason) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${slackEscape(m.console)} · ${m.at}` }] },
    ],
  };
}

export function emailMessage(m: AlertMessage): { subject: string; text: string } {
  const width = Math.max(...facts(m).map(([k]) => k.length));
  const body = [
    alertTitle(m),
    '',
    ...facts(m).map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
    '',
    `-- ${m.console}`,
    '',
  ].join('\n');
  return { subject: `[restic] ${alertTitle(m)}`, text: body };
}

/** DingTalk's "加签": sign = base64(HMAC-SHA256(key = secret, "<timestamp>\n<secret>")). */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The robot URL with `timestamp` and `sign` added (DingTalk refuses a timestamp off by more than an hour). */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}

/** Where a URL goes, with its token left out: only the host (and port). */
export function urlHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
