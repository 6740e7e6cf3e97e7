/**
 * Sandboxed preload: exposes exactly one object, `window.rfc`, built from
 * the contract's allow-lists. Bundled to one CJS file whose only import is
 * 'electron'. The build replaces the contract import below with the bare
 * name lists, computed from the contract itself (see
 * scripts/build-electron.mjs), so zod and the schemas stay out of it.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, METHOD_NAMES } from '../../shared/contract';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'rfc',
  createBridge(ipcRenderer, { methods: METHOD_NAMES, events: EVENT_NAMES }),
);
