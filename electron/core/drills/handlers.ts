/** drills.run, list, schedules, setSchedule: bound in handlers/restore.ts (the restore area's handler module). */
import type { restoreMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';
import { drillServiceFor } from './service';

type DrillMethods = Extract<keyof typeof restoreMethods, `drills.${string}`>;

export function drillHandlers(ctx: CoreContext): Pick<Handlers, DrillMethods> {
  const service = () => drillServiceFor(ctx);
  return {
    'drills.run': (input) =>
      service().run({
        repoId: input.repoId,
        hostId: input.hostId,
        scratchPath: input.scratchPath,
        sampleFiles: input.sampleFiles,
        ...(input.snapshotHost !== undefined ? { snapshotHost: input.snapshotHost } : {}),
      }),
    'drills.list': async (input) =>
      service().list({
        limit: input.limit,
        ...(input.businessId !== undefined ? { businessId: input.businessId } : {}),
        ...(input.repoId !== undefined ? { repoId: input.repoId } : {}),
      }),
    'drills.schedules': async () => service().schedules(),
    'drills.setSchedule': (input) => service().setSchedule(input),
  };
}
