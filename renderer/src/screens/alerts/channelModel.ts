/**
 * The channel form's values and how they become alerts.channelAdd /
 * alerts.channelUpdate input. Pure, so the write-only rules are tested:
 * a secret left empty on edit is kept, "clear" removes it, and a secret
 * typed in is sent once and never read back.
 */
import type {
  AlertChannel,
  AlertChannelKind,
  AlertChannelSettings,
  MethodInput,
  SmtpTlsMode,
} from '../../../../shared';

export interface ChannelFormValues {
  kind: AlertChannelKind;
  businessId: string;
  name: string;
  enabled: boolean;
  /** webhook, dingtalk, slack: empty on edit = keep the stored URL. */
  url: string;
  msgtype: 'markdown' | 'text';
  atMobiles: string[];
  atAll: boolean;
  signSecret: string;
  clearSignSecret: boolean;
  host: string;
  port: number | string;
  tls: SmtpTlsMode;
  user: string;
  password: string;
  clearPassword: boolean;
  from: string;
  to: string[];
}

export const KIND_ORDER: AlertChannelKind[] = ['webhook', 'dingtalk', 'slack', 'email'];

export const KIND_COLOR: Record<AlertChannelKind, string> = {
  webhook: 'gray',
  dingtalk: 'blue',
  slack: 'grape',
  email: 'teal',
};

export const DEFAULT_SMTP_PORT: Record<SmtpTlsMode, number> = { none: 25, starttls: 587, tls: 465 };

export function initialValues(channel: AlertChannel | null, businessId: string | null): ChannelFormValues {
  const base: ChannelFormValues = {
    kind: 'webhook',
    businessId: businessId ?? '',
    name: '',
    enabled: true,
    url: '',
    msgtype: 'markdown',
    atMobiles: [],
    atAll: false,
    signSecret: '',
    clearSignSecret: false,
    host: '',
    port: 587,
    tls: 'starttls',
    user: '',
    password: '',
    clearPassword: false,
    from: '',
    to: [],
  };
  if (!channel) return base;
  const s = channel.settings;
  return {
    ...base,
    kind: channel.kind,
    businessId: channel.businessId,
    name: channel.name,
    enabled: channel.enabled,
    ...(s.kind === 'dingtalk' ? { msgtype: s.msgtype, atMobiles: [...s.atMobiles], atAll: s.atAll } : {}),
    ...(s.kind === 'email'
      ? { host: s.host, port: s.port, tls: s.tls, user: s.user, from: s.from, to: [...s.to] }
      : {}),
  };
}

export function settingsOf(v: ChannelFormValues): AlertChannelSettings {
  switch (v.kind) {
    case 'webhook':
      return { kind: 'webhook' };
    case 'slack':
      return { kind: 'slack' };
    case 'dingtalk':
      return { kind: 'dingtalk', msgtype: v.msgtype, atMobiles: v.atMobiles, atAll: v.atAll };
    case 'email':
      return {
        kind: 'email',
        host: v.host.trim(),
        port: Number(v.port),
        tls: v.tls,
        user: v.user.trim(),
        from: v.from.trim(),
        to: v.to.map((a) => a.trim()).filter(Boolean),
      };
  }
}

function secretsOf(v: ChannelFormValues): { url?: string; signSecret?: string; password?: string } {
  const out: { url?: string; signSecret?: string; password?: string } = {};
  if (v.kind !== 'email' && v.url.trim() !== '') out.url = v.url.trim();
  if (v.kind === 'dingtalk' && !v.clearSignSecret && v.signSecret.trim() !== '')
    out.signSecret = v.signSecret.trim();
  if (v.kind === 'email' && !v.clearPassword && v.password !== '') out.password = v.password;
  return out;
}

export function addInput(v: ChannelFormValues): MethodInput<'alerts.channelAdd'> {
  return {
    businessId: v.businessId,
    name: v.name.trim(),
    enabled: v.enabled,
    settings: settingsOf(v),
    secrets: secretsOf(v),
  };
}

export function updateInput(
  channel: AlertChannel,
  v: ChannelFormValues,
): MethodInput<'alerts.channelUpdate'> {
  const clear: ('signSecret' | 'password')[] = [];
  if (v.kind === 'dingtalk' && v.clearSignSecret && channel.secrets.signSecret) clear.push('signSecret');
  if (v.kind === 'email' && v.clearPassword && channel.secrets.password) clear.push('password');
  const secrets = secretsOf(v);
  return {
    id: channel.id,
    name: v.name.trim(),
    enabled: v.enabled,
    settings: settingsOf(v),
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(clear.length > 0 ? { clear } : {}),
  };
}

/** Which input field a core issue path (e.g. ['settings', 'host'], ['secrets', 'url']) belongs to. */
export function fieldForIssue(path: string[]): string | null {
  const last = path.filter((p) => !/^\d+$/.test(p)).at(-1) ?? null;
  const known = [
    'name',
    'businessId',
    'url',
    'signSecret',
    'password',
    'host',
    'port',
    'tls',
    'user',
    'from',
    'to',
    'atMobiles',
  ];
  return last !== null && known.includes(last) ? last : null;
}
