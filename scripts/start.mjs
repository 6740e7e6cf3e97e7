#!/usr/bin/env node
// `npm start`: check that Electron's binary is here, build (renderer and
// electron bundles), then launch Electron on this folder. Where the binary
// was never downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on the CI
// machines), say so in one sentence and point at `npm run serve`.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuildForElectron, sqliteLoadsIn } from './lib/native-abi.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const MISSING_ELECTRON_MESSAGE =
  "Electron's binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD was set or the download failed); run `npm run serve` to use the console in a browser.";

/** The Electron executable's path, or null when it is not installed. */
function electronBinary() {
  try {
    // The electron package exports the executable's path, and throws when
    // its postinstall download never happened (no path.txt).
    const resolved = createRequire(path.join(root, 'package.json'))('electron');
    return typeof resolved === 'string' && existsSync(resolved) ? resolved : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
if (!electron) {
  process.stderr.write(`${MISSING_ELECTRON_MESSAGE}\n`);
  process.exit(1);
}

// The SQLite module was built for Node by npm install; Electron needs its own build.
if (!sqliteLoadsIn(electron, root, { electron: true }).ok) {
  process.stderr.write('npm start: rebuilding the SQLite module for Electron (once; npm test switches it back)…\n');
  if (!rebuildForElectron(root)) {
    process.stderr.write('npm start: rebuilding better-sqlite3 for Electron failed (see above); Electron was not started.\n');
    process.exit(1);
  }
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) {
  process.stderr.write('npm start: the build failed (see above); Electron was not started.\n');
  process.exit(built.status ?? 1);
}

const child = spawn(electron, ['.', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (!child.killed) child.kill(signal);
  });
}
child.on('error', (error) => {
  process.stderr.write(`npm start: could not launch Electron: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
