// The architecture's layer boundaries, as eslint.config.js enforces them.
// Each case lints a small snippet as if it lived in a given folder and checks
// the boundary rule fires (or stays quiet for what is allowed), so the lint
// rules cannot rot into silence.

import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const BOUNDARY_RULES = new Set(['layering/imports', 'no-restricted-globals']);
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** Boundary violations reported for `code` placed at `file` (relative to the repo root). */
async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  if (!result) throw new Error('no lint result');
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`snippet did not parse: ${fatal.map((m) => m.message).join('; ')}`);
  return result.messages.filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map((m) => m.message);
}

type Case = [file: string, code: string];

function expectViolation(cases: Case[]) {
  for (const [file, code] of cases) {
    it(`${file}: ${code}`, async () => {
      expect(await violations(file, code)).not.toEqual([]);
    });
  }
}

function expectAllowed(cases: Case[]) {
  for (const [file, code] of cases) {
    it(`${file}: ${code}`, async () => {
      expect(await violations(file, code)).toEqual([]);
    });
  }
}

describe('electron/core never imports electron or a transport', () => {
  expectViolation([
    ['electron/core/probe.ts', "import { app } from 'electron';\nexport const a = app;"],
    [
      'electron/core/probe.ts',
      "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;",
    ],
    ['electron/core/probe.ts', "export const e = require('electron');"],
    ['electron/core/probe.ts', "export const m = () => import('electron/main');"],
    ['electron/core/probe.ts', "import { bindCalls } from '../main/ipc';\nexport const b = bindCalls;"],
    [
      'electron/core/rpc/probe.ts',
      "import { bindCalls } from '../../main/ipc';\nexport const b = bindCalls;",
    ],
    ['electron/core/probe.ts', "export * from '../preload/bridge';"],
    ['electron/core/probe.ts', "export const s = () => import('../serve/server');"],
    ['electron/core/services/probe.ts', "import '../../../renderer/src/App';"],
    ['electron/core/probe.ts', "import React from 'react';\nexport const r = React;"],
  ]);
  expectAllowed([
    [
      'electron/core/probe.ts',
      "import fs from 'node:fs';\nimport { z } from 'zod';\nimport { ok } from '../../shared';\nimport { EventBus } from './rpc/event-bus';\nexport const x = [fs, z, ok, EventBus];",
    ],
    // A core module whose own name merely contains "main" or "serve" is fine.
    [
      'electron/core/probe.ts',
      "import { a } from './jobs/main-queue';\nimport { b } from './serve-helpers';\nexport const x = [a, b];",
    ],
  ]);
});

describe('shared/ is pure: zod and itself only, no Node, DOM or Electron', () => {
  expectViolation([
    ['shared/probe.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['shared/probe.ts', "import path from 'path';\nexport const a = path;"],
    ['shared/probe.ts', "import { createHash } from 'crypto';\nexport const a = createHash;"],
    ['shared/probe.ts', "import { spawn } from 'child_process';\nexport const a = spawn;"],
    ['shared/probe.ts', "import os from 'os';\nexport const a = os;"],
    ['shared/probe.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['shared/probe.ts', "import React from 'react';\nexport const a = React;"],
    ['shared/probe.ts', "import WebSocket from 'ws';\nexport const a = WebSocket;"],
    ['shared/probe.ts', "import type { Core } from '../electron/core/core';\nexport type C = Core;"],
    ['shared/probe.ts', "import { x } from '../renderer/src/client';\nexport const a = x;"],
    ['shared/probe.ts', 'export const w = window.innerWidth;'],
    ['shared/probe.ts', 'export const t = document.title;'],
    ['shared/probe.ts', 'export const u = navigator.userAgent;'],
    ['shared/probe.ts', "export const v = localStorage.getItem('x');"],
    ['shared/probe.ts', 'export const e = process.env.HOME;'],
    ['shared/probe.ts', "export const b = Buffer.from('x');"],
  ]);
  expectAllowed([
    [
      'shared/probe.ts',
      "import { z } from 'zod';\nimport { ConsoleError } from './errors';\nexport const x = [z, ConsoleError];",
    ],
    ['shared/sub/probe.ts', "import { ok } from '../envelope';\nexport const x = ok;"],
    // A local variable named like a DOM global is not the global.
    ['shared/probe.ts', 'export function f(window: number) {\n  return window + 1;\n}'],
  ]);
});

describe('renderer/ never imports Node built-ins or Electron', () => {
  expectViolation([
    ['renderer/src/probe.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['renderer/src/probe.ts', "import { randomBytes } from 'crypto';\nexport const a = randomBytes;"],
    ['renderer/src/probe.tsx', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;"],
    ['renderer/src/probe.ts', "import type { Core } from '../../electron/core/core';\nexport type C = Core;"],
    [
      'renderer/src/client/probe.ts',
      "import { createBridge } from '../../../electron/preload/bridge';\nexport const a = createBridge;",
    ],
    ['renderer/src/probe.ts', "import WebSocket from 'ws';\nexport const a = WebSocket;"],
  ]);
  expectAllowed([
    [
      'renderer/src/probe.tsx',
      "import { useState } from 'react';\nimport { formatBytes } from '../../shared';\nexport function C() {\n  const [n] = useState(0);\n  return formatBytes(n);\n}",
    ],
  ]);
});

describe('electron/main, serve and preload', () => {
  expectViolation([
    ['electron/main/probe.ts', "import App from '../../renderer/src/App';\nexport const a = App;"],
    ['electron/serve/probe.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['electron/serve/probe.ts', "import { bindCalls } from '../main/ipc';\nexport const a = bindCalls;"],
    ['electron/preload/probe.ts', "import fs from 'node:fs';\nexport const a = fs;"],
    ['electron/preload/probe.ts', "import { z } from 'zod';\nexport const a = z;"],
    ['electron/preload/probe.ts', "import type { Core } from '../core/core';\nexport type C = Core;"],
    ['electron/preload/probe.ts', "import { bindCalls } from '../main/ipc';\nexport const a = bindCalls;"],
  ]);
  expectAllowed([
    [
      'electron/main/probe.ts',
      "import { app } from 'electron';\nimport { createCore } from '../core/app';\nexport const a = [app, createCore];",
    ],
    [
      'electron/serve/probe.ts',
      "import http from 'node:http';\nimport { WebSocketServer } from 'ws';\nimport type { Core } from '../core/core';\nexport type C = Core;\nexport const a = [http, WebSocketServer];",
    ],
    [
      'electron/preload/probe.ts',
      "import { contextBridge } from 'electron';\nimport { CALL_CHANNEL } from '../main/ipc-channels';\nimport type { Envelope } from '../../shared/envelope';\nexport type E = Envelope<unknown>;\nexport const a = [contextBridge, CALL_CHANNEL];",
    ],
  ]);
});
