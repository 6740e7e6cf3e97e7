/** The restore wizard and restore drills (issue 5). */
import { ConsoleError, type restoreMethods } from '../../../shared';
import type { CoreContext } from '../context';
import { drillHandlers } from '../drills/handlers';
import type { Handlers } from '../rpc/dispatcher';

export function restoreHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof restoreMethods> {
  void ctx;
  const notYet = (): never => {
    throw new ConsoleError('INTERNAL', 'restore is being built');
  };
  const drills = drillHandlers(ctx);
  return {
    'restore.capabilities': notYet,
    'restore.preview': notYet,
    'restore.start': notYet,
    'restore.get': notYet,
    'restore.list': notYet,
    'restore.undo': notYet,
    'drills.run': drills['drills.run'],
    'drills.list': drills['drills.list'],
    'drills.schedules': drills['drills.schedules'],
    'drills.setSchedule': drills['drills.setSchedule'],
  };
}
