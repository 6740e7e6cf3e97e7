/** The restore wizard and restore drills (issue 5). */
import type { restoreMethods } from '../../../shared';
import type { CoreContext } from '../context';
import { drillHandlers } from '../drills/handlers';
import type { Handlers } from '../rpc/dispatcher';
import { restoreCoreHandlers } from '../restore/handlers';

export function restoreHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof restoreMethods> {
  const drills = drillHandlers(ctx);
  return {
    ...restoreCoreHandlers(ctx),
    'drills.run': drills['drills.run'],
    'drills.list': drills['drills.list'],
    'drills.schedules': drills['drills.schedules'],
    'drills.setSchedule': drills['drills.setSchedule'],
  };
}
