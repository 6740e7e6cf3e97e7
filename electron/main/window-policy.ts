/**
 * The desktop window's security policy as pure functions, so it can be
 * tested without Electron's binary: web preferences, CSP, navigation, new
 * windows, permissions and IPC sender checks. main.ts only wires them up.
 */
import type { WebPreferences } from 'electron';

/** The renderer is served from this privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
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
    safeDialogs: true,
    spellcheck: false,
  };
}

/** CSP of the desktop renderer: scripts from the app only, no inline scripts, no remote connections. */
export function contentSecurityPolicy(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
    "worker-src 'self'",
  ].join('; ');
}

function parse(url: string | undefined | null): URL | null {
  if (typeof url !== 'string' || url.length === 0) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Same scheme, host and port, and no credentials. Spelled out because the
 * WHATWG `origin` of a custom scheme (app://) is opaque ("null") for every URL.
 */
export function isSameAppOrigin(url: string | undefined | null, appUrl: string): boolean {
  const target = parse(url);
  const app = parse(appUrl);
  if (!target || !app) return false;
  if (target.username || target.password) return false;
  if (app.protocol === 'file:' || target.protocol === 'file:') return false;
  return (
    target.protocol === app.protocol &&
    target.hostname.toLowerCase() === app.hostname.toLowerCase() &&
    target.port === app.port &&
    target.hostname.length > 0
  );
}

/** Every navigation is denied except within the app itself. */
export function isAllowedNavigation(url: string, appUrl: string): boolean {
  return isSameAppOrigin(url, appUrl);
}

/** An IPC message is trusted only when it comes from a frame showing the app. */
export function isTrustedSender(frameUrl: string | undefined | null, appUrl: string): boolean {
  return isSameAppOrigin(frameUrl, appUrl);
}

/**
 * A link the app may hand to the system browser: plain http(s) with a host
 * and no credentials. Anything else (file:, javascript:, custom schemes
 * that would launch other programs) is never opened.
 */
export function externalLinkToOpen(url: string): string | null {
  const parsed = parse(url);
  if (!parsed) return null;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (!parsed.hostname || parsed.username || parsed.password) return null;
  return parsed.href;
}

export type WindowOpenDecision = { action: 'deny' };

/**
 * `webContents.setWindowOpenHandler`: no new Electron window ever opens;
 * a validated http(s) link goes to the system browser instead.
 */
export function createWindowOpenHandler(
  openExternal: (url: string) => void,
): (details: { url: string }) => WindowOpenDecision {
  return (details) => {
    const link = externalLinkToOpen(details.url);
    if (link) openExternal(link);
    return { action: 'deny' };
  };
}

/** Deny-all default for windows whose links must not leave the app at all. */
export function windowOpenHandler(): WindowOpenDecision {
  return { action: 'deny' };
}

/** Permissions the renderer may get: copying a command line to the clipboard, from the app only. */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  appUrl: string,
): boolean {
  return permission === 'clipboard-sanitized-write' && isSameAppOrigin(requestingUrl, appUrl);
}
