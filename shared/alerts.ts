/**
 * Alert channels per business: generic JSON webhook, DingTalk robot,
 * Slack-compatible incoming webhook, SMTP e-mail; send test; delivery
 * history (issue 6). Pure: no Node, DOM or Electron imports.
 *
 * Webhook URLs (they carry tokens), DingTalk signing secrets and SMTP
 * passwords are write-only: they travel in on add/update and live in the
 * secret store; replies only say whether one is set, and show a URL's host.
 */
import { z } from 'zod';
import { IdSchema } from './domain';
import { ErrorBodySchema } from './errors';
import { method } from './method';

export const AlertChannelKindSchema = z.enum(['webhook', 'dingtalk', 'slack', 'email']);
export type AlertChannelKind = z.infer<typeof AlertChannelKindSchema>;

/** What an alert is about. `test` is the "send test" button. */
export const AlertEventKindSchema = z.enum([
  'backup-failed',
  'backup-stale',
  'check-failed',
  'drill-failed',
  'test',
]);
export type AlertEventKind = z.infer<typeof AlertEventKindSchema>;

export const SmtpTlsModeSchema = z.enum([
  /** Plain SMTP (a relay on a trusted network). */
  'none',
  /** Plain connection upgraded with STARTTLS, refused when the server does not offer it. */
  'starttls',
  /** TLS from the first byte (SMTPS, usually port 465). */
  'tls',
]);
export type SmtpTlsMode = z.infer<typeof SmtpTlsModeSchema>;

/** http(s) only, one line; the URL is a secret (it carries the token). */
export const WebhookUrlSchema = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#]+[^\s]*$/i, 'an http:// or https:// URL');

const SecretText = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[^\r\n\0]+$/, 'one line');

const EmailAddress = z
  .string()
  .max(320)
  .regex(/^[^\s@<>,;"]+@[^\s@<>,;"]+$/, 'an e-mail address such as ops@example.com');

const HostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address');

const MobileNumber = z.string().regex(/^\+?[0-9-]{3,20}$/, 'a phone number');

/** Non-secret settings per kind, as stored and shown. */
export const AlertChannelSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook') }).strict(),
  z
    .object({
      kind: z.literal('dingtalk'),
      msgtype: z.enum(['markdown', 'text']).default('markdown'),
      /** Mobiles to @-mention in the group. */
      atMobiles: z.array(MobileNumber).max(20).default([]),
      atAll: z.boolean().default(false),
    })
    .strict(),
  z.object({ kind: z.literal('slack') }).strict(),
  z
    .object({
      kind: z.literal('email'),
      host: HostName,
      port: z.number().int().min(1).max(65535),
      tls: SmtpTlsModeSchema,
      /** Empty: no authentication. */
      user: z.string().max(320).default(''),
      from: EmailAddress,
      to: z.array(EmailAddress).min(1).max(50),
    })
    .strict(),
]);
export type AlertChannelSettings = z.infer<typeof AlertChannelSettingsSchema>;

/** The write-only parts. Omitted on update = keep what is stored. */
export const AlertChannelSecretsInputSchema = z
  .object({
    /** webhook, dingtalk, slack: the URL to post to (with its token). */
    url: WebhookUrlSchema.optional(),
    /** dingtalk: the robot's "加签" secret (SEC…); requests are then signed. */
    signSecret: SecretText.optional(),
    /** email: the SMTP password. */
    password: SecretText.optional(),
  })
  .strict();
export type AlertChannelSecretsInput = z.infer<typeof AlertChannelSecretsInputSchema>;

export const AlertSecretNameSchema = z.enum(['signSecret', 'password']);

export const AlertDeliveryResultSchema = z.enum(['delivered', 'failed']);
export type AlertDeliveryResult = z.infer<typeof AlertDeliveryResultSchema>;

export const AlertDeliverySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  channelKind: AlertChannelKindSchema,
  businessId: z.string().nullable(),
  businessName: z.string().nullable(),
  event: AlertEventKindSchema,
  /** What fired it: the send-test button, or a daily check (drill, runner and freshness failures arrive as its items). */
  trigger: z.enum(['test', 'check']),
  /** One line: which host, plan or item and why. */
  summary: z.string(),
  result: AlertDeliveryResultSchema,
  /** HTTP status of the receiver's answer. */
  httpStatus: z.number().int().optional(),
  /** What the receiver said (SMTP reply, DingTalk errmsg, body start), secrets masked. */
  reply: z.string().optional(),
  error: ErrorBodySchema.optional(),
  durationMs: z.number(),
});
export type AlertDelivery = z.infer<typeof AlertDeliverySchema>;

export const AlertChannelSchema = z.object({
  id: IdSchema,
  businessId: IdSchema,
  businessName: z.string(),
  name: z.string(),
  kind: AlertChannelKindSchema,
  enabled: z.boolean(),
  settings: AlertChannelSettingsSchema,
  /** Where it goes, without secrets: a URL's host, or "smtp host:port → a@b, c@d". */
  destination: z.string(),
  /** Which write-only values are set. */
  secrets: z.object({ url: z.boolean(), signSecret: z.boolean(), password: z.boolean() }),
  lastDelivery: AlertDeliverySchema.pick({ at: true, result: true, event: true, httpStatus: true })
    .extend({ error: ErrorBodySchema.optional() })
    .optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AlertChannel = z.infer<typeof AlertChannelSchema>;

const ChannelName = z
  .string()
  .trim()
  .min(1, 'a name')
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

export const AlertChannelInputSchema = z
  .object({
    businessId: IdSchema,
    name: ChannelName,
    enabled: z.boolean().default(true),
    settings: AlertChannelSettingsSchema,
    secrets: AlertChannelSecretsInputSchema.default({}),
  })
  .strict();
export type AlertChannelInput = z.input<typeof AlertChannelInputSchema>;

/** Sent as a desktop notification (Electron) and to open windows: alerts went out. */
export const AlertFiredSchema = z.object({
  businessId: z.string(),
  businessName: z.string(),
  /** The most severe kind among what fired. */
  event: AlertEventKindSchema,
  /** How many items fired for this business. */
  count: z.number().int().min(1),
  /** The first item's host/plan and reason, in words. */
  headline: z.string(),
  /** Channels that accepted / refused the alert. */
  delivered: z.number().int(),
  failed: z.number().int(),
  at: z.string(),
});
export type AlertFired = z.infer<typeof AlertFiredSchema>;

export const alertMethods = {
  'alerts.channels': method({
    summary:
      'Alert channels (webhook, DingTalk, Slack-compatible, e-mail), optionally for one business, with their last delivery.',
    input: z.object({ businessId: IdSchema.optional() }).strict(),
    output: z.array(AlertChannelSchema),
  }),
  'alerts.channelAdd': method({
    summary:
      "Add a business's alert channel; its URL, signing secret or SMTP password go to the secret store.",
    input: AlertChannelInputSchema,
    output: AlertChannelSchema,
  }),
  'alerts.channelUpdate': method({
    summary:
      'Change an alert channel; secrets left out are kept, `clear` removes the signing secret or SMTP password.',
    input: z
      .object({
        id: IdSchema,
        name: ChannelName.optional(),
        enabled: z.boolean().optional(),
        /** Same kind as the channel's. */
        settings: AlertChannelSettingsSchema.optional(),
        secrets: AlertChannelSecretsInputSchema.optional(),
        clear: z.array(AlertSecretNameSchema).max(2).optional(),
      })
      .strict(),
    output: AlertChannelSchema,
  }),
  'alerts.channelRemove': method({
    summary: 'Remove an alert channel and its secrets (its delivery history stays).',
    input: z.object({ id: IdSchema }).strict(),
    output: z.object({}),
  }),
  'alerts.test': method({
    summary:
      'Send a test alert through a channel now: the delivery result with the HTTP status or SMTP reply.',
    input: z.object({ id: IdSchema }).strict(),
    output: AlertDeliverySchema,
  }),
  'alerts.history': method({
    summary: 'Recent alert deliveries, newest first, with their result.',
    input: z
      .object({
        businessId: IdSchema.optional(),
        channelId: IdSchema.optional(),
        result: AlertDeliveryResultSchema.optional(),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.array(AlertDeliverySchema),
  }),
} as const;
