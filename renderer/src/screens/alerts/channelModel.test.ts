import { describe, expect, it } from 'vitest';
import type { AlertChannel } from '../../../../shared';
import { addInput, fieldForIssue, initialValues, updateInput } from './channelModel';

const stored: AlertChannel = {
  id: 'alert-1',
  businessId: 'biz-1',
  businessName: 'Shop',
  name: 'ops',
  kind: 'dingtalk',
  enabled: true,
  settings: { kind: 'dingtalk', msgtype: 'text', atMobiles: ['138'], atAll: false },
  destination: 'oapi.dingtalk.com',
  secrets: { url: true, signSecret: true, password: false },
  createdAt: '2026-11-21T00:00:00.000Z',
  updatedAt: '2026-11-21T00:00:00.000Z',
};

describe('channel form → contract input', () => {
  it('add sends the kind settings and only the secrets typed in', () => {
    const v = { ...initialValues(null, 'biz-1'), name: ' hook ', url: ' https://h.example/x?token=abc ' };
    expect(addInput(v)).toEqual({
      businessId: 'biz-1',
      name: 'hook',
      enabled: true,
      settings: { kind: 'webhook' },
      secrets: { url: 'https://h.example/x?token=abc' },
    });
    const mail = {
      ...initialValues(null, 'biz-1'),
      kind: 'email' as const,
      name: 'mail',
      url: 'ignored',
      host: 'smtp.example.com',
      port: '465',
      tls: 'tls' as const,
      from: 'a@example.com',
      to: ['b@example.com'],
    };
    expect(addInput(mail).settings).toEqual({
      kind: 'email',
      host: 'smtp.example.com',
      port: 465,
      tls: 'tls',
      user: '',
      from: 'a@example.com',
      to: ['b@example.com'],
    });
    expect(addInput(mail).secrets).toEqual({});
  });

  it('edit keeps stored secrets unless replaced or cleared', () => {
    const v = initialValues(stored, null);
    expect(v.url).toBe('');
    expect(v.msgtype).toBe('text');
    expect(updateInput(stored, v)).toEqual({
      id: 'alert-1',
      name: 'ops',
      enabled: true,
      settings: { kind: 'dingtalk', msgtype: 'text', atMobiles: ['138'], atAll: false },
    });
    expect(updateInput(stored, { ...v, signSecret: 'SECnew' }).secrets).toEqual({ signSecret: 'SECnew' });
    const cleared = updateInput(stored, { ...v, signSecret: 'typed', clearSignSecret: true });
    expect(cleared.clear).toEqual(['signSecret']);
    expect(cleared.secrets).toBeUndefined();
  });

  it('places core issues on fields', () => {
    expect(fieldForIssue(['settings', 'to', '0'])).toBe('to');
    expect(fieldForIssue(['secrets', 'url'])).toBe('url');
    expect(fieldForIssue(['settings', 'kind'])).toBeNull();
  });
});
