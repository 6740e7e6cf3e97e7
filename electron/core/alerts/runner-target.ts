/**
 * For the host-side runner: where it posts its own failure alerts. The
 * runner installer writes these values into the host's root-only (0600)
 * env file over stdin — RFC_ALERT_URL, RFC_ALERT_KIND and, for a signed
 * DingTalk robot, RFC_ALERT_SIGN_SECRET — and the runner posts the same
 * payload shapes as payloads.ts from sh. E-mail channels are not used by
 * the runner (sh has no SMTP client); the console's own alerting covers
 * them through the daily check.
 */
import type { CoreContext } from '../context';
import { AlertStore } from './alert-store';
import { alertSecretNames } from './secrets';

export type RunnerAlertKind = 'webhook' | 'dingtalk' | 'slack';

export interface RunnerAlertTarget {
  url: string;
  kind: RunnerAlertKind;
  /** DingTalk "加签" secret, when the robot has one (the runner signs with openssl). */
  signSecret?: string;
  /** DingTalk: markdown or text (from the channel's settings). */
  msgtype?: 'markdown' | 'text';
  channelId: string;
}

/** The business's first enabled webhook-type channel (by name), or null when it has none. */
export async function runnerAlertTarget(
  ctx: Pick<CoreContext, 'store' | 'secrets'>,
  businessId: string,
): Promise<RunnerAlertTarget | null> {
  const channels = new AlertStore(ctx.store.db)
    .listChannels({ businessId })
    .filter((c) => c.enabled && c.kind !== 'email');
  for (const channel of channels) {
    if (channel.settings.kind === 'email') continue;
    const url = await ctx.secrets.get(alertSecretNames.url(channel.id));
    if (!url) continue;
    const target: RunnerAlertTarget = { url, kind: channel.settings.kind, channelId: channel.id };
    if (channel.settings.kind === 'dingtalk') {
      target.msgtype = channel.settings.msgtype;
      const signSecret = await ctx.secrets.get(alertSecretNames.signSecret(channel.id));
      if (signSecret) target.signSecret = signSecret;
    }
    return target;
  }
  return null;
}
