/**
 * `npm run serve`: the core behind HTTP + WebSocket on loopback, for a
 * browser on this machine (or through an SSH tunnel to a jump host).
 * Prints one line: the login URL with the token.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { version } from '../../package.json';
import { createCore, defaultDataDir } from '../core/app';
import type { Core } from '../core/core';
import { SERVE_USAGE, UsageError, parseServeArgs } from './args';
import { ServeConfigError, createServeServer, type ServeServer } from './server';

/** dist/ next to dist-electron/ (bundled), or the repository's dist/ (run from source). */
function defaultStaticDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  const candidates = [
    path.resolve(here, '..', 'dist'),
    path.resolve(here, '..', '..', 'dist'),
    path.resolve('dist'),
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseServeArgs(argv);
  if (args.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return;
  }
  const dataDir = path.resolve(args.dataDir ?? defaultDataDir());
  const staticDir = path.resolve(args.staticDir ?? defaultStaticDir());
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    log(`warning: no built UI in ${staticDir} (run \`npm run build\`); the API still works.`);
  }

  const core: Core = await createCore({ mode: 'serve', dataDir, version, log });
  let server: ServeServer;
  try {
    server = await createServeServer({
      core,
      token: process.env.RFC_SERVE_TOKEN || undefined,
      host: args.host,
      port: args.port,
      staticDir,
      allowNonLoopback: args.allowNonLoopback,
      onError: (error) => log(`serve: ${error instanceof Error ? error.message : String(error)}`),
    });
  } catch (error) {
    await core.close();
    throw error;
  }

  process.stdout.write(
    `Restic Fleet Console is serving at ${server.url} (the token in this link is the key to the console: keep it private; Ctrl+C stops it)\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now.`);
      process.exit(130);
    }
    stopping = true;
    void (async () => {
      try {
        await server.close();
        await core.close();
      } catch (error) {
        log(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      }
      process.exit();
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    log(`${error.message}\n\n${SERVE_USAGE}`);
    process.exit(2);
  }
  if (error instanceof ServeConfigError) {
    log(error.message);
    process.exit(2);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    log('That port is already in use; pick another with --port N (or 0 for a free one).');
  else log(`serve: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
