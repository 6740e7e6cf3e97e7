// `npm start` where Electron's binary is absent (ELECTRON_SKIP_BINARY_DOWNLOAD=1):
// one clear sentence pointing at `npm run serve`, exit 1, no stack trace, no build.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..', '..');
const emptyDir = mkdtempSync(path.join(tmpdir(), 'rfc-no-electron-'));

afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

describe('scripts/start.mjs without Electron', () => {
  it('prints one sentence and exits 1', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      encoding: 'utf8',
      // electron's index.js resolves the binary under this folder, where there is none,
      // so the test means the same thing on machines that do have the binary.
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: emptyDir, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      "Electron's binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD was set or the download failed); run `npm run serve` to use the console in a browser.",
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // It checks before building, so it is quick.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
