// The desktop transport without Electron's binary: the preload bridge
// (electron/preload/bridge.ts) talking through a fake ipcRenderer/ipcMain
// pair to the main-side binding (electron/main/ipc.ts) and a real dispatcher.

import { describe, expect, it, vi } from 'vitest';
import { ConsoleError, EVENT_NAMES, METHOD_NAMES, type Envelope } from '../../shared';
import { createDispatcher, type CallContext, type Handlers } from '../../electron/core/rpc/dispatcher';
import { handlersWith } from '../support/handlers';
import { EventBus } from '../../electron/core/rpc/event-bus';
import { CALL_CHANNEL, EVENT_CHANNEL } from '../../electron/main/ipc-channels';
import { bindCalls, forwardEvents, type InvokeEventLike } from '../../electron/main/ipc';
import { APP_URL } from '../../electron/main/window-policy';
import { createBridge, type IpcRendererLike } from '../../electron/preload/bridge';

type Listener = (event: unknown, ...args: unknown[]) => void;

function makeCore() {
  const contexts: CallContext[] = [];
  const handlers: Handlers = handlersWith({
    'app.info': async (_input, ctx) => {
      contexts.push(ctx);
      return { version: '1.2.3', mode: 'desktop', demo: true, dataDir: '/data', startupIssues: [] };
    },
    'hosts.list': async () => [],
    'repos.list': async () => [],
    'snapshots.list': async () => {
      throw new ConsoleError('REPO_LOCKED', 'locked by pid 42');
    },
    'snapshots.ls': async (input) => ({ path: input.path, nodes: [], command: 'restic ls' }),
    'snapshots.diff': async () => ({ changes: [], truncated: false, command: 'restic diff' }),
  });
  return { core: { dispatch: createDispatcher(handlers), events: new EventBus() }, contexts };
}

/** Wires a fake ipcMain + webContents to a fake ipcRenderer, as Electron would. */
function wire(frame: InvokeEventLike['senderFrame'] = { url: APP_URL, parent: null }) {
  const { core, contexts } = makeCore();
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const rendererListeners = new Map<string, Set<Listener>>();
  const webContents = {
    destroyed: false,
    send(channel: string, ...args: unknown[]) {
      for (const l of rendererListeners.get(channel) ?? [])
        l({ sender: 'ipcRenderer-must-not-leak' }, ...args);
    },
    isDestroyed() {
      return this.destroyed;
    },
  };
  const ipcMain = {
    handle: (channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown) => {
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  };
  const ipcRenderer: IpcRendererLike = {
    async invoke(channel, ...args) {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ sender: webContents, senderFrame: frame }, ...args);
    },
    on(channel, listener) {
      if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
      rendererListeners.get(channel)!.add(listener);
    },
    removeListener(channel, listener) {
      rendererListeners.get(channel)?.delete(listener);
    },
  };
  const unbind = bindCalls({ ipcMain, core, appUrl: APP_URL, isOwnWebContents: (s) => s === webContents });
  const stopEvents = forwardEvents(core.events, webContents);
  const bridge = createBridge(ipcRenderer, { methods: METHOD_NAMES, events: EVENT_NAMES });
  return {
    core,
    contexts,
    bridge,
    handlers,
    rendererListeners,
    webContents,
    unbind,
    stopEvents,
    ipcRenderer,
  };
}

describe('IPC calls', () => {
  it('registers one handler on the call channel', () => {
    const { handlers, unbind } = wire();
    expect([...handlers.keys()]).toEqual([CALL_CHANNEL]);
    unbind();
    expect(handlers.size).toBe(0);
  });

  it('round-trips an ok call with origin ipc', async () => {
    const { bridge, contexts } = wire();
    const reply = await bridge.call('app.info', {});
    expect(reply).toEqual({
      ok: true,
      value: { version: '1.2.3', mode: 'desktop', demo: true, dataDir: '/data', startupIssues: [] },
    });
    expect(contexts[0]?.origin).toBe('ipc');
  });

  it('passes domain errors and schema failures through as envelopes', async () => {
    const { bridge } = wire();
    expect(await bridge.call('snapshots.list', { repoId: 'r1' })).toEqual({
      ok: false,
      error: { code: 'REPO_LOCKED', message: 'locked by pid 42' },
    });
    const bad = (await bridge.call('snapshots.ls', { repoId: 'r1', snapshotId: 'zz' })) as Envelope<unknown>;
    expect(bad.ok ? null : bad.error.code).toBe('BAD_REQUEST');
  });

  it('refuses names outside the allow-list in the preload, before IPC', async () => {
    const { bridge, ipcRenderer } = wire();
    const invoke = vi.spyOn(ipcRenderer, 'invoke');
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 42 as unknown as string]) {
      const reply = await bridge.call(name, {});
      expect(reply.ok ? null : reply.error.code, String(name)).toBe('UNKNOWN_METHOD');
    }
    expect(invoke).not.toHaveBeenCalled();
  });

  it('refuses a sender that is not one of the console windows, even showing the app URL', async () => {
    const { handlers } = wire();
    const handler = handlers.get(CALL_CHANNEL)!;
    const event = { sender: { another: 'webContents' }, senderFrame: { url: APP_URL, parent: null } };
    expect(await handler(event, 'app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
  });

  it('checks the method again on the main side (the preload is not trusted)', async () => {
    const w = wire();
    const handler = w.handlers.get(CALL_CHANNEL)!;
    const event = { sender: w.webContents, senderFrame: { url: APP_URL, parent: null } };
    expect(await handler(event, { toString: () => 'app.info' }, {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(await handler(event, 'no.such', {})).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
  });

  it('refuses senders that are not the app', async () => {
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: APP_URL, parent: { url: APP_URL } },
      { url: 'file:///tmp/x.html', parent: null },
      null,
    ]) {
      const { bridge, contexts } = wire(frame);
      const reply = await bridge.call('app.info', {});
      expect(reply, JSON.stringify(frame)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      expect(contexts).toHaveLength(0);
    }
  });
});

describe('IPC events', () => {
  it('delivers payloads (never the IPC event) to subscribers of that event', () => {
    const { core, bridge } = wire();
    const seen: unknown[][] = [];
    const off = bridge.subscribe('invalidate', (...args: unknown[]) => seen.push(args));
    core.events.emit('invalidate', { scope: 'repos' });
    expect(seen).toEqual([[{ scope: 'repos' }]]);
    off();
    core.events.emit('invalidate', { scope: 'hosts' });
    expect(seen).toHaveLength(1);
  });

  it('uses one ipcRenderer listener however many subscriptions, and removes it at the end', () => {
    const { bridge, rendererListeners } = wire();
    const offs = Array.from({ length: 20 }, () => bridge.subscribe('invalidate', () => {}));
    expect(rendererListeners.get(EVENT_CHANNEL)?.size).toBe(1);
    for (const off of offs) off();
    offs[0]!(); // idempotent
    expect(rendererListeners.get(EVENT_CHANNEL)?.size).toBe(0);
  });

  it('keeps delivering when one subscriber throws', () => {
    const { core, bridge } = wire();
    const good = vi.fn();
    bridge.subscribe('invalidate', () => {
      throw new Error('broken component');
    });
    bridge.subscribe('invalidate', good);
    core.events.emit('invalidate', { scope: 'snapshots', repoId: 'r1' });
    expect(good).toHaveBeenCalledWith({ scope: 'snapshots', repoId: 'r1' });
  });

  it('refuses unknown events and non-function listeners', () => {
    const { bridge } = wire();
    expect(() => bridge.subscribe('nope', () => {})).toThrow(TypeError);
    expect(() => bridge.subscribe('invalidate', 'x' as unknown as () => void)).toThrow(TypeError);
  });

  it('stops forwarding to a destroyed window', () => {
    const { core, webContents } = wire();
    const send = vi.spyOn(webContents, 'send');
    webContents.destroyed = true;
    core.events.emit('invalidate', { scope: 'repos' });
    expect(send).not.toHaveBeenCalled();
    expect(core.events.size).toBe(0);
  });
});
