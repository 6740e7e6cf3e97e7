/**
 * Putting one alert on the wire: an HTTP POST of JSON (webhook, DingTalk,
 * Slack) or an e-mail through SMTP (nodemailer). Never throws: the outcome
 * (delivered or failed with ALERT_DELIVERY_FAILED, the HTTP status or SMTP
 * reply) is returned for the delivery history. Error texts name the
 * receiver's host only, never the URL (it carries the token).
 */
import nodemailer from 'nodemailer';
import type { AlertChannelSettings, ErrorCode } from '../../../shared';
import {
  dingtalkPayload,
  dingtalkSignedUrl,
  emailMessage,
  genericPayload,
  slackPayload,
  urlHost,
  type AlertMessage,
} from './payloads';

export const DELIVERY_TIMEOUT_MS = 10_000;
const REPLY_CHARS = 300;

export interface DeliveryOutcome {
  result: 'delivered' | 'failed';
  httpStatus?: number;
  reply?: string;
  error?: { code: ErrorCode; message: string };
  durationMs: number;
}

export interface ChannelSecrets {
  url?: string;
  signSecret?: string;
  password?: string;
}

export interface DeliverOptions {
  timeoutMs?: number;
  now?: () => number;
}

function failed(message: string, started: number, extra: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  return {
    result: 'failed',
    ...extra,
    error: { code: 'ALERT_DELIVERY_FAILED', message },
    durationMs: Date.now() - started,
  };
}

function causeWords(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause ?? error;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string') {
    const words: Record<string, string> = {
      ECONNREFUSED: 'connection refused',
      ENOTFOUND: 'host name not found',
      EAI_AGAIN: 'host name lookup failed',
      ECONNRESET: 'connection reset',
      EHOSTUNREACH: 'host unreachable',
      ENETUNREACH: 'network unreachable',
      ETIMEDOUT: 'timed out',
      CERT_HAS_EXPIRED: 'its TLS certificate has expired',
      DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
      UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
      ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
    };
    return words[code] ?? code;
  }
  return cause instanceof Error ? cause.message : String(cause);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, REPLY_CHARS);
}

/** POSTs JSON; 2xx is delivered, unless the body is DingTalk's `{errcode != 0}`. */
export async function postJson(
  url: string,
  body: unknown,
  options: { timeoutMs?: number; dingtalk?: boolean } = {},
): Promise<DeliveryOutcome> {
  const started = Date.now();
  const host = urlHost(url) || 'the receiver';
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'restic-fleet-console' },
      body: JSON.stringify(body),
      // A redirect would send the alert somewhere the user did not configure.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as { name?: string }).name === 'TimeoutError';
    return failed(
      timedOut
        ? `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`
        : `could not reach ${host}: ${causeWords(error)}`,
      started,
    );
  }
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status is what matters; a body cut short is not a failure by itself.
  }
  const reply = oneLine(text);
  const base = { httpStatus: response.status, ...(reply ? { reply } : {}) };
  if (response.status < 200 || response.status > 299)
    return failed(
      `${host} answered HTTP ${response.status}${reply ? `: ${reply.slice(0, 120)}` : ''}`,
      started,
      base,
    );
  if (options.dingtalk) {
    // DingTalk answers 200 with {"errcode":310000,"errmsg":"sign not match"} when it refuses.
    try {
      const parsed = JSON.parse(text) as { errcode?: unknown; errmsg?: unknown };
      if (typeof parsed.errcode === 'number' && parsed.errcode !== 0)
        return failed(
          `DingTalk refused the message: ${String(parsed.errmsg)} (errcode ${parsed.errcode})`,
          started,
          base,
        );
    } catch {
      return failed(
        `${host} answered HTTP ${response.status} but not with DingTalk's JSON reply`,
        started,
        base,
      );
    }
  }
  return { result: 'delivered', ...base, durationMs: Date.now() - started };
}

export async function sendEmail(
  settings: Extract<AlertChannelSettings, { kind: 'email' }>,
  password: string | undefined,
  message: AlertMessage,
  options: { timeoutMs?: number } = {},
): Promise<DeliveryOutcome> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.user ? { auth: { user: settings.user, pass: password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // No pooling: one alert, one connection, closed after.
    pool: false,
  });
  const { subject, text } = emailMessage(message);
  try {
    const info = (await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject,
      text,
      headers: { 'X-Restic-Fleet-Event': message.event },
    })) as { response?: string; rejected?: unknown[] };
    const reply = oneLine(info.response ?? '');
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0)
      return failed(`the SMTP server refused ${rejected.join(', ')}`, started, reply ? { reply } : {});
    return { result: 'delivered', ...(reply ? { reply } : {}), durationMs: Date.now() - started };
  } catch (error) {
    const e = error as { code?: string; response?: string; responseCode?: number };
    const reply = e.response ? oneLine(e.response) : undefined;
    const where = `${settings.host}:${settings.port}`;
    let words: string;
    if (e.code === 'EAUTH') words = `the SMTP server ${where} refused the login`;
    else if (e.code === 'ETIMEDOUT')
      words = `the SMTP server ${where} did not answer within ${Math.round(timeoutMs / 1000)} s`;
    else if (e.code === 'ECONNECTION' || e.code === 'ESOCKET')
      words = `could not talk to the SMTP server ${where}: ${causeWords(error)}`;
    else if (e.code === 'EENVELOPE') words = `the SMTP server ${where} refused the sender or recipients`;
    else words = `sending through ${where} failed: ${causeWords(error)}`;
    return failed(reply ? `${words} (${reply.slice(0, 160)})` : words, started, reply ? { reply } : {});
  } finally {
    transport.close();
  }
}

/** One alert through one channel. */
export async function deliver(
  settings: AlertChannelSettings,
  secrets: ChannelSecrets,
  message: AlertMessage,
  options: DeliverOptions = {},
): Promise<DeliveryOutcome> {
  const started = Date.now();
  const now = options.now ?? Date.now;
  if (settings.kind === 'email') return sendEmail(settings, secrets.password, message, options);
  if (!secrets.url) return failed('no URL is set for this channel', started);
  const timeout = { ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
  switch (settings.kind) {
    case 'webhook':
      return postJson(secrets.url, genericPayload(message), timeout);
    case 'slack':
      return postJson(secrets.url, slackPayload(message), timeout);
    case 'dingtalk': {
      const url = secrets.signSecret
        ? dingtalkSignedUrl(secrets.url, secrets.signSecret, now())
        : secrets.url;
      const body = dingtalkPayload(message, {
        msgtype: settings.msgtype,
        atMobiles: settings.atMobiles,
        atAll: settings.atAll,
      });
      return postJson(url, body, { ...timeout, dingtalk: true });
    }
  }
}
