#!/usr/bin/env node
// Bundles the Node side with esbuild into dist-electron/:
//   main.cjs     Electron main process (electron/main/main.ts)
//   preload.cjs  sandboxed preload (electron/preload/preload.ts): one small CJS
//                file whose only require is 'electron'
//   serve.cjs    `npm run serve` (electron/serve/cli.ts), plain Node
// main and serve keep node_modules packages external (ws, zod, ssh2 and its
// optional native cpu-features stay resolvable at run time).
//
// The preload needs only the contract's method and event *names*. Importing
// shared/contract.ts as is would bundle zod and every schema (~450 KiB), so
// the names are computed here by evaluating the real contract, and the
// preload's import of it is replaced by those two arrays.
//
// Usage: node scripts/build-electron.mjs [--watch]

import { build, context } from 'esbuild';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist-electron');
const watch = process.argv.includes('--watch');
/** The preload is parsed in every window; keep it small. */
const PRELOAD_MAX_BYTES = 32 * 1024;

/** Method and event names from the real contract (bundled with zod and evaluated). */
async function contractNames() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['shared/contract.ts'],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const mod = { exports: /** @type {Record<string, unknown>} */ ({}) };
  new Function('module', 'exports', code)(mod, mod.exports);
  const methods = mod.exports.METHOD_NAMES;
  const events = mod.exports.EVENT_NAMES;
  const isNames = (v) => Array.isArray(v) && v.length > 0 && v.every((n) => typeof n === 'string');
  if (!isNames(methods) || !isNames(events))
    throw new Error('shared/contract.ts did not yield METHOD_NAMES/EVENT_NAMES');
  return { methods, events };
}

/** Replaces `…/shared/contract` with just the name lists, for the preload only. */
function contractNamesPlugin(names) {
  return {
    name: 'contract-names',
    setup(b) {
      b.onResolve({ filter: /(^|\/)shared\/contract(\.ts)?$/ }, (args) => ({
        // Relative, so no machine path ends up in the bundle's comments.
        path: path.relative(root, path.resolve(args.resolveDir, args.path)),
        namespace: 'contract-names',
      }));
      b.onLoad({ filter: /.*/, namespace: 'contract-names' }, () => ({
        loader: 'js',
        contents: [
          `export const METHOD_NAMES = ${JSON.stringify(names.methods)};`,
          `export const EVENT_NAMES = ${JSON.stringify(names.events)};`,
        ].join('\n'),
      }));
    },
  };
}

function targets(names) {
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    legalComments: 'none',
  };
  /** @type {import('esbuild').BuildOptions[]} */
  return [
    {
      ...common,
      entryPoints: ['electron/main/main.ts'],
      outfile: path.join(outdir, 'main.cjs'),
      platform: 'node',
      target: 'node20',
      packages: 'external',
      external: ['electron'],
    },
    {
      ...common,
      entryPoints: ['electron/serve/cli.ts'],
      outfile: path.join(outdir, 'serve.cjs'),
      platform: 'node',
      target: 'node20',
      packages: 'external',
    },
    {
      ...common,
      entryPoints: ['electron/preload/preload.ts'],
      outfile: path.join(outdir, 'preload.cjs'),
      // A sandboxed preload has no Node: browser platform, everything bundled
      // except 'electron' (the one module a sandboxed preload may require).
      platform: 'browser',
      target: 'chrome130',
      external: ['electron'],
      plugins: [contractNamesPlugin(names)],
    },
  ];
}

/** The preload must stay one small file that requires nothing but 'electron'. */
function checkPreload() {
  const file = path.join(outdir, 'preload.cjs');
  const size = statSync(file).size;
  const requires = [...readFileSync(file, 'utf8').matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
  const foreign = requires.filter((r) => r !== 'electron');
  if (size > PRELOAD_MAX_BYTES || foreign.length > 0) {
    throw new Error(
      `preload.cjs is ${size} bytes (limit ${PRELOAD_MAX_BYTES}) and requires [${requires.join(', ')}]; it may only require 'electron'`,
    );
  }
}

try {
  const names = await contractNames();
  const options = targets(names);
  if (watch) {
    for (const o of options) await (await context(o)).watch();
    console.log('build-electron: watching (contract names are read once; restart after adding a method) …');
  } else {
    rmSync(outdir, { recursive: true, force: true });
    const started = Date.now();
    const results = await Promise.allSettled(options.map((o) => build(o)));
    if (results.some((r) => r.status === 'rejected')) {
      // esbuild has already printed each error with its location.
      console.error('build-electron: the build failed (errors above).');
      process.exit(1);
    }
    checkPreload();
    const sizes = options
      .map(
        (o) =>
          `${path.basename(String(o.outfile))} ${(statSync(String(o.outfile)).size / 1024).toFixed(1)} KiB`,
      )
      .join(', ');
    console.log(`build-electron: ${sizes} in ${Date.now() - started} ms`);
  }
} catch (error) {
  console.error(`build-electron: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
