#!/usr/bin/env node
// `npm test`: the whole verification in one command.
//
//   1. provision the real peers       (scripts/provision.mjs)
//   2. build renderer + electron       (npm run build; e2e tests need dist/)
//   3. lint and typecheck              (each counts as one test: a "check")
//   4. vitest: unit, integration, e2e  (JSON results in artifacts/)
//   5. print the total; the very last line is exactly "N passed, N failed"
//
// Extra arguments go to vitest: `npm test -- tests/unit` or
// `npm test -- --project integration`.
//
// RFC_SKIP_PROVISION=1 skips step 1 for faster local iterations when the
// manifest is already there. CI never sets it.
//
// A failing provision or build step is counted as one failed check (it
// would otherwise only show up as a pile of unrelated test failures); when
// they pass they are not counted, as they are preconditions, not tests.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rebuildForNode, sqliteLoadsIn } from './lib/native-abi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const RESULTS_FILE = 'artifacts/vitest-results.json';
const extraArgs = process.argv.slice(2);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** @type {{name: string, ok: boolean, note?: string}[]} */
const checks = [];

function banner(text) {
  console.log(`\n=== ${text} ===`);
}

/** Runs a step with inherited output; returns true on exit 0. */
function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error) console.error(`${cmd}: ${r.error.message}`);
  return r.status === 0;
}

// ------------------------------------------------------------ provision --
if (process.env.RFC_SKIP_PROVISION === '1') {
  banner('provision: skipped (RFC_SKIP_PROVISION=1)');
} else {
  banner('provision peers');
  const ok = run(process.execPath, ['scripts/provision.mjs']);
  if (!ok) checks.push({ name: 'provision', ok: false });
}

// ---------------------------------------------------------------- build --
banner('build (npm run build)');
if (!run(npm, ['run', 'build'])) checks.push({ name: 'build', ok: false });

// `npm start` may have rebuilt the SQLite module for Electron; tests run on Node.
if (!sqliteLoadsIn(process.execPath, root).ok) {
  banner('rebuild better-sqlite3 for Node');
  if (!rebuildForNode(root)) checks.push({ name: 'sqlite-rebuild', ok: false });
}

// ------------------------------------------------------ lint, typecheck --
for (const name of ['lint', 'typecheck']) {
  banner(`check: ${name} (npm run ${name})`);
  checks.push({ name, ok: run(npm, ['run', '--silent', name]) });
}

// --------------------------------------------------------------- vitest --
banner(`vitest${extraArgs.length ? ` ${extraArgs.join(' ')}` : ''}`);
mkdirSync(dirname(RESULTS_FILE), { recursive: true });
rmSync(RESULTS_FILE, { force: true }); // never count a previous run's results
const vitestOk = run(npx, [
  '--no',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile=${RESULTS_FILE}`,
  ...extraArgs,
]);

let vitestPassed = 0;
let vitestFailed = 0;
let skipped = 0;
let vitestNote = '';
if (existsSync(RESULTS_FILE)) {
  const res = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'));
  vitestPassed += res.numPassedTests ?? 0;
  vitestFailed += res.numFailedTests ?? 0;
  skipped += (res.numPendingTests ?? 0) + (res.numTodoTests ?? 0);
  // A file that fails to load or whose hooks throw has no failing test of
  // its own; count it once so it cannot disappear from the total.
  for (const file of res.testResults ?? []) {
    const failedInFile = (file.assertionResults ?? []).filter((a) => a.status === 'failed').length;
    if (file.status === 'failed' && failedInFile === 0) {
      vitestFailed += 1;
      console.error(`vitest: ${file.name} failed outside any test: ${(file.message ?? '').split('\n')[0]}`);
    }
  }
}
if (!vitestOk && vitestFailed === 0) {
  // Unhandled errors, a failing globalSetup, no test files, a crash...
  vitestFailed += 1;
  vitestNote = ' (vitest failed without a failing test: see its output above)';
}

// -------------------------------------------------------------- summary --
banner('summary');
let passed = vitestPassed;
let failed = vitestFailed;
for (const c of checks) {
  console.log(`check ${c.name}: ${c.ok ? 'passed' : 'FAILED'}${c.note ? ` (${c.note})` : ''}`);
  if (c.ok) passed += 1;
  else failed += 1;
}
console.log(
  `vitest: ${vitestPassed} passed, ${vitestFailed} failed, ${skipped} skipped${vitestNote}; results in ${RESULTS_FILE}`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
