// ESLint flat config. The package is CommonJS (no "type": "module"), so is this file.
//
// Besides the usual recommended rules, it enforces the architecture's layers
// (see README "Layers" and docs): shared/ is pure, electron/core/ never
// touches Electron or a transport, the renderer never touches Node or
// Electron, the preload stays tiny. tests/unit/layering.test.ts proves each
// boundary still fires, so these rules cannot silently rot.

'use strict';

const js = require('@eslint/js');
const { defineConfig } = require('eslint/config');
const globals = require('globals');
const reactHooks = require('eslint-plugin-react-hooks');
const tseslint = require('typescript-eslint');
const layering = require('./eslint/layering-plugin.cjs');

/** DOM and Node globals that have no place in the pure contract. */
const NOT_IN_SHARED = [
  'window',
  'document',
  'navigator',
  'localStorage',
  'sessionStorage',
  'location',
  'history',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'process',
  'Buffer',
  'require',
  'module',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
].map((name) => ({
  name,
  message: `shared/ is the pure contract used by Node and the browser alike: no "${name}" (pass what you need in).`,
}));

module.exports = defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'artifacts/', 'coverage/', '.vite/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  // Plain JavaScript: CommonJS .js/.cjs (this file, eslint/), ES module scripts (.mjs).
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: globals.node } },

  // Node-side TypeScript.
  {
    files: ['electron/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.ts', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },

  // The renderer: browser globals and the rules of hooks.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      // Only tells that React Compiler would skip a component (TanStack Table/Virtual); we do not use the compiler.
      'react-hooks/incompatible-library': 'off',
    },
  },

  // ---- Layers -------------------------------------------------------------
  { plugins: { layering } },
  {
    files: ['shared/**'],
    rules: {
      'layering/imports': [
        'error',
        {
          zone: 'shared/',
          allowDirs: ['shared'],
          allowPackages: ['zod'],
          forbidBuiltins: true,
          reason: 'The contract runs in Node and the browser alike: only zod and shared/ itself.',
        },
      ],
      'no-restricted-globals': ['error', ...NOT_IN_SHARED],
    },
  },
  {
    files: ['electron/core/**'],
    rules: {
      'layering/imports': [
        'error',
        {
          zone: 'electron/core/',
          forbidDirs: ['electron/main', 'electron/preload', 'electron/serve', 'renderer'],
          forbidPackages: ['electron', 'react', 'react-dom'],
          reason: 'The core is plain Node: transports depend on it, never the reverse.',
        },
      ],
    },
  },
  {
    files: ['electron/serve/**'],
    rules: {
      'layering/imports': [
        'error',
        {
          zone: 'electron/serve/',
          forbidDirs: ['electron/main', 'electron/preload', 'renderer'],
          forbidPackages: ['electron', 'react', 'react-dom'],
          reason: 'Serve mode runs under plain Node, without Electron.',
        },
      ],
    },
  },
  {
    files: ['electron/main/**'],
    rules: {
      'layering/imports': [
        'error',
        {
          zone: 'electron/main/',
          forbidDirs: ['electron/preload', 'renderer'],
          forbidPackages: ['react', 'react-dom'],
          reason: 'Main binds the core to Electron; it never reaches into the renderer.',
        },
      ],
    },
  },
  {
    files: ['electron/preload/**'],
    rules: {
      'layering/imports': [
        'error',
        {
          zone: 'electron/preload/',
          allowDirs: ['electron/preload', 'shared', 'electron/main/ipc-channels.ts'],
          allowPackages: ['electron'],
          forbidBuiltins: true,
          reason: 'The preload is sandboxed and tiny: electron, shared/ and the channel names only.',
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    rules: {
      'layering/imports': [
        'error',
        {
          zone: 'renderer/',
          forbidDirs: ['electron'],
          forbidPackages: ['electron', 'ws', 'ssh2'],
          forbidBuiltins: true,
          reason: 'The renderer talks to the core only through the ConsoleClient (preload bridge or HTTP).',
        },
      ],
    },
  },
);
