/**
 * Alert channels per business: webhook, DingTalk, Slack-compatible, SMTP; send test (issue 6).
 * Pure: no Node, DOM or Electron imports.
 */
import { method } from './method';

void method;

export const alertMethods = {} as const;
