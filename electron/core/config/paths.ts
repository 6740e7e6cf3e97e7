/** Where the console keeps its state when nobody says otherwise. */
import os from 'node:os';
import path from 'node:path';

/**
 * `RFC_DATA_DIR`, else `$XDG_DATA_HOME/restic-fleet-console`, else
 * `~/.local/share/restic-fleet-console`. The desktop build passes
 * Electron's userData folder instead.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RFC_DATA_DIR) return path.resolve(env.RFC_DATA_DIR);
  const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'restic-fleet-console');
}
