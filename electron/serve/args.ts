/** Command-line options of `npm run serve` (pure, so it can be tested). */

export interface ServeArgs {
  port: number;
  host: string;
  dataDir?: string;
  staticDir?: string;
  allowNonLoopback: boolean;
  help: boolean;
}

export const SERVE_USAGE = [
  'Usage: npm run serve -- [options]',
  '',
  '  --port N               TCP port (default 0: a free port)',
  '  --host HOST            address to bind (default 127.0.0.1; loopback only)',
  '  --data-dir DIR         where the console keeps its state (default: RFC_DATA_DIR or ~/.local/share/restic-fleet-console)',
  '  --static-dir DIR       the built renderer (default: dist/ next to dist-electron/)',
  '  --allow-non-loopback   bind a non-loopback --host (exposes the console beyond this machine)',
  '  -h, --help             this text',
].join('\n');

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: 0, host: '127.0.0.1', allowNonLoopback: false, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${name} needs a value.`);
      i += 1;
      return next;
    };
    switch (name) {
      case '--port': {
        const raw = value();
        const port = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port < 0 || port > 65535) {
          throw new UsageError(`--port must be an integer from 0 to 65535, not "${raw}".`);
        }
        args.port = port;
        break;
      }
      case '--host':
        args.host = value();
        if (args.host.length === 0) throw new UsageError('--host needs a value.');
        break;
      case '--data-dir':
        args.dataDir = value();
        break;
      case '--static-dir':
        args.staticDir = value();
        break;
      case '--allow-non-loopback':
        args.allowNonLoopback = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new UsageError(`Unknown option "${arg}".`);
    }
  }
  return args;
}
