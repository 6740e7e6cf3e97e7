/** Secret-store names of a channel's write-only values (never in SQLite). */
export const alertSecretNames = {
  /** webhook, dingtalk, slack: the URL, which carries the token. */
  url: (channelId: string) => `alert:${channelId}:url`,
  /** dingtalk: the robot's "加签" signing secret. */
  signSecret: (channelId: string) => `alert:${channelId}:sign-secret`,
  /** email: the SMTP password. */
  password: (channelId: string) => `alert:${channelId}:smtp-password`,
} as const;

export type AlertSecretKey = keyof typeof alertSecretNames;
