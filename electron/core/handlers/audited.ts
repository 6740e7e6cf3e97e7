/** Every mutating action lands in the audit log with its result, whatever happens. */
import { ConsoleError } from '../../../shared';
import type { CoreContext } from '../context';

export async function audited<T>(
  ctx: Pick<CoreContext, 'audit'>,
  action: string,
  target: string,
  work: () => Promise<T> | T,
  detail?: Record<string, unknown>,
): Promise<T> {
  try {
    const value = await work();
    ctx.audit.record({ action, target, result: 'succeeded', ...(detail ? { detail } : {}) });
    return value;
  } catch (error) {
    const code = error instanceof ConsoleError ? error.code : 'INTERNAL';
    ctx.audit.record({ action, target, result: code === 'UNAUTHORIZED' ? 'denied' : 'failed', detail: { ...detail, code } });
    throw error;
  }
}

/** Destructive actions need the name typed back, like GitHub's "type the repository name". */
export function requireTypedConfirmation(expected: string, typed: string, what: string): void {
  if (typed !== expected) {
    throw new ConsoleError('BAD_REQUEST', `To remove ${what}, type its name exactly: "${expected}".`);
  }
}
