// better-sqlite3 is a native module: one build serves either Node (tests,
// serve mode) or Electron (npm start), whose ABIs differ. These helpers
// check which one the installed build loads in and rebuild it in place for
// the runtime about to use it. `npm run dist` needs none of this:
// electron-builder rebuilds native modules for the packaged app itself.
import { spawnSync } from 'node:child_process';

const PROBE = "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()";

/** Does better-sqlite3 load in this runtime? `runtime` is a Node or an Electron executable. */
export function sqliteLoadsIn(runtime, cwd, { electron = false } = {}) {
  const env = { ...process.env, ...(electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) };
  const probe = spawnSync(runtime, ['-e', PROBE], { cwd, env, encoding: 'utf8' });
  return { ok: probe.status === 0, error: `${probe.stderr ?? ''}`.trim().split('\n').slice(-3).join(' ') };
}

/** Rebuild for plain Node (what `npm ci` produced in the first place). */
export function rebuildForNode(cwd) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return spawnSync(npm, ['rebuild', 'better-sqlite3'], { cwd, stdio: 'inherit' }).status === 0;
}

/** Rebuild for the installed Electron, with electron-builder's own tool. */
export function rebuildForElectron(cwd) {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  return spawnSync(npx, ['electron-builder', 'install-app-deps'], { cwd, stdio: 'inherit' }).status === 0;
}
