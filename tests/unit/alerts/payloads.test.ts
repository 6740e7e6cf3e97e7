import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alertTitle,
  dingtalkPayload,
  dingtalkSign,
  dingtalkSignedUrl,
  emailMessage,
  genericPayload,
  slackEscape,
  slackPayload,
  urlHost,
  type AlertMessage,
} from '../../../electron/core/alerts/payloads';

const failing: AlertMessage = {
  event: 'backup-stale',
  business: 'Shop',
  host: 'web-1',
  plan: 'nightly',
  repository: 'shop-main',
  item: 'freshness',
  status: 'failing',
  reason: 'last snapshot 31 h ago, target 26 h',
  at: '2026-11-21T06:00:00.000Z',
  console: 'restic-fleet-console 1.0.0 on ops',
};

describe('generic JSON payload', () => {
  it('has the documented shape and leaves out what is unknown', () => {
    expect(genericPayload(failing)).toEqual({
      event: 'backup-stale',
      business: 'Shop',
      host: 'web-1',
      plan: 'nightly',
      repository: 'shop-main',
      item: 'freshness',
      status: 'failing',
      reason: 'last snapshot 31 h ago, target 26 h',
      at: '2026-11-21T06:00:00.000Z',
      console: 'restic-fleet-console 1.0.0 on ops',
    });
    const bare = genericPayload({
      event: 'test',
      business: 'B',
      status: 'ok',
      reason: 'r',
      at: 'x',
      console: 'c',
    });
    expect(Object.keys(bare).sort()).toEqual(['at', 'business', 'console', 'event', 'reason', 'status']);
    expect(genericPayload({ ...failing, reminder: true }).reminder).toBe(true);
  });
});

describe('DingTalk payload', () => {
  it('markdown carries a title, every fact and the mentions', () => {
    const p = dingtalkPayload(failing, { msgtype: 'markdown', atMobiles: ['13800000000'], atAll: false });
    expect(p.msgtype).toBe('markdown');
    if (p.msgtype !== 'markdown') throw new Error('markdown expected');
    expect(p.markdown.title).toBe('[restic] Backup stale · Shop · web-1');
    expect(p.markdown.text).toContain('**Reason:** last snapshot 31 h ago, target 26 h');
    expect(p.markdown.text).toContain('**Plan:** nightly');
    // A mention only notifies when the number is also in the text.
    expect(p.markdown.text).toContain('@13800000000');
    expect(p.at).toEqual({ atMobiles: ['13800000000'], isAtAll: false });
  });

  it('text has the content in plain lines', () => {
    const p = dingtalkPayload(failing, { msgtype: 'text', atAll: true });
    if (p.msgtype !== 'text') throw new Error('text expected');
    expect(p.text.content.split('\n')[0]).toBe('[restic] Backup stale · Shop · web-1');
    expect(p.text.content).toContain('Host: web-1');
    expect(p.text.content).toContain('@all');
    expect(p.at.isAtAll).toBe(true);
  });

  it('signs as DingTalk documents it: base64 HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret', () => {
    const secret = 'SEC0123456789abcdef';
    const ts = 1_763_700_000_000;
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    expect(dingtalkSign(secret, ts)).toBe(expected);
    const url = new URL(
      dingtalkSignedUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, ts),
    );
    expect(url.searchParams.get('access_token')).toBe('abc');
    expect(url.searchParams.get('timestamp')).toBe(String(ts));
    expect(url.searchParams.get('sign')).toBe(expected);
    // The sign is URL-encoded on the wire (base64 has + and /).
    expect(url.search).not.toMatch(/sign=[^&]*[+/]/);
  });
});

describe('Slack payload', () => {
  it('has fallback text and blocks, with mrkdwn escaped', () => {
    const p = slackPayload({ ...failing, reason: 'a <b> & c' });
    expect(p.text).toContain('*Backup stale · Shop · web-1*');
    expect(p.text).toContain('a &lt;b&gt; &amp; c');
    expect(Array.isArray(p.blocks)).toBe(true);
    expect(JSON.stringify(p.blocks)).toContain('*Plan:*\\nnightly');
    expect(slackEscape('<!channel>')).toBe('&lt;!channel&gt;');
  });
});

describe('e-mail and words', () => {
  it('subject and body', () => {
    const m = emailMessage({ ...failing, reminder: true });
    expect(m.subject).toBe('[restic] Backup stale · Shop · web-1 (reminder)');
    expect(m.text).toMatch(/Reason: +last snapshot 31 h ago/);
    expect(alertTitle({ ...failing, host: undefined })).toBe('Backup stale · Shop');
  });

  it('urlHost shows the host only', () => {
    expect(urlHost('https://hooks.slack.com/services/T000/B000/XXXXSECRET')).toBe('hooks.slack.com');
    expect(urlHost('http://127.0.0.1:8080/hook?token=abc')).toBe('127.0.0.1:8080');
    expect(urlHost('not a url')).toBe('');
  });
});
