/**
 * Electron composition root. Thin on purpose (it cannot be run where
 * Electron's binary is missing): the core, one locked-down window showing
 * app://console/, the IPC binding and the policies from window-policy.ts.
 */
import path from 'node:path';
import {
  BrowserWindow,
  Notification,
  app,
  ipcMain,
  protocol,
  safeStorage,
  session,
  shell,
  type WebContents,
} from 'electron';
import { createCore } from '../core/app';
import type { Core } from '../core/core';
import type { AlertFired } from '../../shared';
import { AlertNotifier } from './alert-notifications';
import { createAppProtocolHandler } from './app-protocol';
import { bindCalls, forwardEvents } from './ipc';
import { SafeStorageSecretStore, chooseSecretBackend } from './safe-storage-secrets';
import {
  APP_SCHEME,
  APP_URL,
  contentSecurityPolicy,
  createWindowOpenHandler,
  isAllowedNavigation,
  isPermissionAllowed,
  secureWebPreferences,
} from './window-policy';

const PRELOAD_PATH = path.join(__dirname, 'preload.cjs');
const RENDERER_DIR = path.join(__dirname, '..', 'dist');

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

// Before `ready`: app:// is a standard, secure origin (fetch, storage, CSP 'self' work as on https).
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);
app.enableSandbox();

const ownWindows = new Set<WebContents>();
let core: Core | undefined;
let unbindCalls: (() => void) | undefined;

// Applies to every webContents that will ever exist, windows or not.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, APP_URL)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, APP_URL)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(createWindowOpenHandler((url) => void shell.openExternal(url)));
});

function createWindow(theCore: Core): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Restic Fleet Console',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD_PATH),
  });
  const contents = win.webContents;
  ownWindows.add(contents);
  const stopEvents = forwardEvents(theCore.events, contents);
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    stopEvents();
    ownWindows.delete(contents);
  });
  void win.loadURL(APP_URL);
}

async function start(): Promise<void> {
  const ses = session.defaultSession;
  ses.protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] },
    });
  });
  ses.setPermissionRequestHandler((contents, permission, callback) =>
    callback(isPermissionAllowed(permission, contents.getURL(), APP_URL)),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin, APP_URL),
  );

  const dataDir = app.getPath('userData');
  const choice = chooseSecretBackend(safeStorage, process.platform);
  if (choice.kind === 'file') log(choice.warning);
  core = await createCore({
    mode: 'desktop',
    dataDir,
    version: app.getVersion(),
    log,
    ...(choice.kind === 'file'
      ? { startupIssues: [{ code: 'SECRET_STORE_INSECURE' as const, message: choice.warning.replace(/^WARNING: /, '') }] }
      : {}),
    ...(choice.kind === 'safeStorage'
      ? { secrets: new SafeStorageSecretStore(path.join(dataDir, 'secrets.safestorage.json'), safeStorage) }
      : {}),
  });
  unbindCalls = bindCalls({
    ipcMain,
    core,
    appUrl: APP_URL,
    isOwnWebContents: (sender) => ownWindows.has(sender as WebContents),
  });
  createWindow(core);
  // Desktop notifications for alerts the console fired (wording and batching in alert-notifications.ts).
  const notifier = new AlertNotifier(({ title, body }) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    notification.on('click', () => {
      const win = BrowserWindow.getAllWindows()[0];
      if (win) {
        if (win.isMinimized()) win.restore();
        win.focus();
      }
    });
    notification.show();
  });
  core.events.subscribe((message) => {
    if (message.event === 'alerts.fired') notifier.push(message.payload as AlertFired);
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) createWindow(core);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !core) return;
    closing = true;
    event.preventDefault();
    unbindCalls?.();
    void core.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log(`restic-fleet-console failed to start: ${error instanceof Error ? error.message : String(error)}`);
      app.exit(1);
    });
}
