// Three projects (vitest 3.2 `test.projects`):
//  - unit: pure logic, fast, parallel;
//  - integration: against the real peers (restic, sshd, MinIO) from
//    scripts/provision.mjs; one file at a time because each file starts its
//    own daemons and the CI machine has 2 cores;
//  - e2e: Chromium (Playwright) against `serve` mode; serial as well.
import { defineConfig } from 'vitest/config';

const peersSetup = ['tests/support/global-setup.ts'];

export default defineConfig({
  // The unit project also runs renderer/**/*.test.tsx; vitest.config.ts
  // takes precedence over vite.config.ts, so set the JSX transform here.
  esbuild: { jsx: 'automatic' },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['tests/unit/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // Groups run one after another: integration and e2e both start
          // daemons and must not compete for the 2 cores.
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: peersSetup,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // `fileParallelism` is root-only in vitest 3; one fork per project
          // runs its files one after another instead.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: peersSetup,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
