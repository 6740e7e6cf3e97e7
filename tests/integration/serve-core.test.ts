// Serve mode in front of the real core (createCore with its demo fleet made
// by real restic), over real HTTP and WebSocket, for every provisioned
// restic; then the `serve` CLI itself as a user runs it: one printed line,
// the token in it opens the API, SIGTERM stops it cleanly.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Envelope } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { createServeServer, type ServeServer } from '../../electron/serve/server';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const root = path.resolve(__dirname, '..', '..');

afterAll(async () => {
  await cleanupTempDirs();
});

async function post(
  base: string,
  token: string,
  method: string,
  input: unknown,
): Promise<{ status: number; body: Envelope<unknown> }> {
  const res = await fetch(`${base}/api/call/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as Envelope<unknown> };
}

function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

for (const restic of resticBinaries()) {
  describe(`serve mode with the real core (restic ${restic.version})`, () => {
    let core: Core | undefined;
    let server: ServeServer | undefined;
    let staticDir: string;

    beforeAll(async () => {
      const dir = await makeTempDir('rfc-serve-core-');
      staticDir = path.join(dir, 'dist');
      await mkdir(staticDir, { recursive: true });
      await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>rfc</title>');
      core = await createCore({
        mode: 'serve',
        dataDir: path.join(dir, 'data'),
        version: '0.0.0-test',
        resticBinary: restic.path,
        log: () => {},
      });
      server = await createServeServer({ core, staticDir });
    });

    afterAll(async () => {
      await server?.close();
      await core?.close();
    });

    const s = () => {
      if (!server) throw new Error('the server did not start');
      return server;
    };

    it('answers app.info with the demo fleet made and no startup issues', async () => {
      const { status, body } = await post(s().origin, s().token, 'app.info', {});
      expect(status).toBe(200);
      expect(value(body)).toMatchObject({ mode: 'serve', demo: true, startupIssues: [] });
    });

    it('lists the demo repository and its snapshots, and lists a snapshot tree', async () => {
      const repos = value<{ id: string }[]>((await post(s().origin, s().token, 'repos.list', {})).body);
      expect(repos.length).toBeGreaterThan(0);
      const repoId = repos[0]!.id;
      const listed = await post(s().origin, s().token, 'snapshots.list', { repoId });
      expect(listed.status).toBe(200);
      const { snapshots, command } = value<{ snapshots: { id: string }[]; command: string }>(listed.body);
      expect(snapshots.length).toBeGreaterThan(1);
      expect(command).toMatch(/restic snapshots --json --no-lock$/);
      expect(command).not.toMatch(/RESTIC_PASSWORD=(?!\*\*\*)/);
      const ls = await post(s().origin, s().token, 'snapshots.ls', {
        repoId,
        snapshotId: snapshots[0]!.id,
        path: '/',
      });
      expect(ls.status).toBe(200);
      expect(value<{ nodes: unknown[] }>(ls.body).nodes.length).toBeGreaterThan(0);
    });

    it('answers domain errors with 200 and contract errors with 4xx', async () => {
      const missing = await post(s().origin, s().token, 'snapshots.list', { repoId: 'no-such-repo' });
      expect(missing.status).toBe(200);
      expect(missing.body.ok).toBe(false);
      const bad = await post(s().origin, s().token, 'snapshots.ls', { repoId: 'demo', snapshotId: 'xyz' });
      expect(bad.status).toBe(400);
      const wrong = await post(s().origin, 'not-the-token', 'repos.list', {});
      expect(wrong.status).toBe(401);
    });

    it('pushes core events over the socket', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${s().port}/api/events?token=${s().token}`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const got = new Promise<unknown>((resolve) =>
        ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()))),
      );
      core!.events.emit('invalidate', { scope: 'snapshots', repoId: 'demo' });
      expect(await got).toEqual({ event: 'invalidate', payload: { scope: 'snapshots', repoId: 'demo' } });
      ws.close();
    });
  });
}

describe('the serve CLI', () => {
  let child: ChildProcess | undefined;

  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints one login line, serves with that token, and stops on SIGTERM', async () => {
    const dir = await makeTempDir('rfc-serve-cli-');
    const newest = resticBinaries().at(-1)!;
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/serve/cli.ts',
        '--port',
        '0',
        '--data-dir',
        path.join(dir, 'data'),
        '--static-dir',
        dir,
      ],
      {
        cwd: root,
        env: { ...process.env, RFC_RESTIC_BINARY: newest.path },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 90_000;
    while (!stdout.includes('\n')) {
      if (child.exitCode !== null) throw new Error(`serve exited early (${child.exitCode}): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`no login line within 90 s; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const match = /(http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43}))/.exec(lines[0]!);
    expect(match, lines[0]).not.toBeNull();
    expect(lines[0]).toMatch(/token .* key/);
    const [, , port, token] = match!;
    const base = `http://127.0.0.1:${port}`;

    const info = await post(base, token!, 'app.info', {});
    expect(info.status).toBe(200);
    expect(value(info.body)).toMatchObject({ mode: 'serve', version: expect.any(String) });
    expect((await post(base, 'wrong', 'app.info', {})).status).toBe(401);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The token is printed once, in the login line, and nowhere else.
    expect(stderr).not.toContain(token!);
  });
});
