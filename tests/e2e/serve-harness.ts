// Starts the REAL serve mode (`node dist-electron/serve.cjs`, the build of
// `npm run build`) with a fresh data directory, and reads the login URL it
// prints. The e2e tests drive that URL with Chromium and call the same
// HTTP API with the same token. No stubs: the core behind it is the real
// one, making the demo fleet with real restic.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { chromiumPath } from '../support/peers';
import { spawnTracked } from '../support/procs';

export const ROOT = resolve(__dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'artifacts', 'screenshots');

export interface ServeProcess {
  /** The URL printed by serve, `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function assertBuilt(): void {
  const missing = [join(ROOT, 'dist', 'index.html'), join(ROOT, 'dist-electron', 'serve.cjs')].filter(
    (p) => !existsSync(p),
  );
  if (missing.length)
    throw new Error(`e2e needs the build: run \`npm run build\` first (missing ${missing.join(', ')})`);
}

export async function startServe(options: {
  dataDir: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServeProcess> {
  assertBuilt();
  const child = spawnTracked(
    process.execPath,
    [join(ROOT, 'dist-electron', 'serve.cjs'), '--port', '0', '--data-dir', options.dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => (out += d));
  child.stderr?.on('data', (d: string) => (out += d));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve printed no URL within ${options.timeoutMs ?? 120_000} ms:\n${out}`)),
      options.timeoutMs ?? 120_000,
    );
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before printing its URL:\n${out}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    dataDir: options.dataDir,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(extra: Partial<LaunchOptions> = {}): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, ...extra });
}

/** POST /api/call/<method> with a bearer token; returns the HTTP status and the envelope. */
export async function apiCall(origin: string, token: string | null, method: string, input: unknown = {}) {
  const response = await fetch(`${origin}/api/call/${method}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as {
    ok: boolean;
    value?: unknown;
    error?: { code: string; message: string };
  };
  return { status: response.status, body };
}

/** The value of a successful call (throws with the error envelope otherwise). */
export async function apiValue<T>(
  serve: Pick<ServeProcess, 'origin' | 'token'>,
  method: string,
  input: unknown = {},
): Promise<T> {
  const { status, body } = await apiCall(serve.origin, serve.token, method, input);
  if (!body.ok) throw new Error(`${method} failed (HTTP ${status}): ${JSON.stringify(body.error)}`);
  return body.value as T;
}
