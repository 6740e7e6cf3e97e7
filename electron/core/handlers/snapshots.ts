/** app.info, repos.list and snapshots.*: what the first screen shows. */
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';

export function snapshotHandlers(
  ctx: CoreContext,
): Pick<
  Handlers,
  'app.info' | 'repos.list' | 'snapshots.list' | 'snapshots.ls' | 'snapshots.diff' | 'snapshots.diffStream'
> {
  return {
    'app.info': async () => ({
      version: ctx.version,
      mode: ctx.mode,
      demo: (await ctx.inventory.repos()).some((r) => r.demo),
      dataDir: ctx.dataDir,
      startupIssues: ctx.startupIssues,
    }),
    'repos.list': () => ctx.repos.list(),
    'snapshots.list': (input, call) => ctx.snapshots.list(input, call.signal),
    'snapshots.ls': (input, call) => ctx.snapshots.ls(input, call.signal),
    'snapshots.diff': (input, call) => ctx.snapshots.diff(input, call.signal),
    'snapshots.diffStream': (input, call) =>
      ctx.snapshots.diffStream(input, (chunk) => ctx.events.emit('snapshots.diffChunk', chunk), call.signal),
  };
}
