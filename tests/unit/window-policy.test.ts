// The desktop window's security policy (pure functions from electron/main/window-policy.ts).

import { describe, expect, it, vi } from 'vitest';
import {
  APP_URL,
  contentSecurityPolicy,
  createWindowOpenHandler,
  externalLinkToOpen,
  isAllowedNavigation,
  isPermissionAllowed,
  isTrustedSender,
  secureWebPreferences,
  windowOpenHandler,
} from '../../electron/main/window-policy';

describe('secureWebPreferences', () => {
  it('locks the renderer down', () => {
    const prefs = secureWebPreferences('/opt/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/opt/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
  });
});

describe('contentSecurityPolicy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it("allows scripts from the app only: script-src 'self', nothing inline or eval", () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('forbids plugins, framing, base rewriting and remote connections', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/https?:|\*/);
  });
});

describe('isAllowedNavigation', () => {
  it('allows the app itself', () => {
    expect(isAllowedNavigation('app://console/index.html', APP_URL)).toBe(true);
    expect(isAllowedNavigation('app://console/hosts/local?x=1#y', APP_URL)).toBe(true);
    expect(isAllowedNavigation('APP://CONSOLE/', APP_URL)).toBe(true);
  });

  it('denies everything else', () => {
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      'app://other/index.html',
      'app://evil@console/index.html',
      'app://console:81/index.html',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'chrome://gpu',
      '',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url, APP_URL), url).toBe(false);
    }
  });

  it('works for an http app URL too (same scheme, host and port)', () => {
    expect(isAllowedNavigation('http://127.0.0.1:4000/x', 'http://127.0.0.1:4000/')).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:4001/x', 'http://127.0.0.1:4000/')).toBe(false);
    expect(isAllowedNavigation('https://127.0.0.1:4000/x', 'http://127.0.0.1:4000/')).toBe(false);
  });

  it('never treats file:// as the app', () => {
    expect(isAllowedNavigation('file:///opt/app/index.html', 'file:///opt/app/index.html')).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts frames showing the app only', () => {
    expect(isTrustedSender('app://console/index.html', APP_URL)).toBe(true);
    expect(isTrustedSender('https://example.com/', APP_URL)).toBe(false);
    expect(isTrustedSender('about:blank', APP_URL)).toBe(false);
    expect(isTrustedSender('', APP_URL)).toBe(false);
    expect(isTrustedSender(undefined, APP_URL)).toBe(false);
    expect(isTrustedSender(null, APP_URL)).toBe(false);
  });
});

describe('new windows', () => {
  it('denies every window', () => {
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
  });

  it('hands validated http(s) links to the system browser, and nothing else', () => {
    const openExternal = vi.fn();
    const handler = createWindowOpenHandler(openExternal);
    expect(handler({ url: 'https://restic.readthedocs.io/en/stable/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://restic.readthedocs.io/en/stable/');
    openExternal.mockClear();
    for (const url of [
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'app://console/',
      'https://u:p@example.com/',
      'ms-msdt:foo',
      'x',
    ]) {
      expect(handler({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('normalises the link it opens', () => {
    expect(externalLinkToOpen('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
    expect(externalLinkToOpen('https:///nohost')).toBe('https://nohost/');
  });
});

describe('permissions', () => {
  it('grants clipboard writes to the app and nothing else', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', APP_URL, APP_URL)).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com/', APP_URL)).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'fileSystem',
      'unknown',
    ]) {
      expect(isPermissionAllowed(p, APP_URL, APP_URL), p).toBe(false);
    }
  });
});
