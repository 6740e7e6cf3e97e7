/** jobs.* and audit.*: the operation log and the record of who changed what. */
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';
import { audited } from './audited';

const LOG_TAIL = 500;

export function jobsAuditHandlers(
  ctx: CoreContext,
): Pick<Handlers, 'jobs.list' | 'jobs.get' | 'jobs.cancel' | 'audit.list' | 'audit.export'> {
  return {
    'jobs.list': async (filter) => ctx.jobs.list(filter),
    'jobs.get': async ({ id }) => {
      const job = ctx.jobs.get(id);
      const after = Math.max(-1, job.logTotal - LOG_TAIL - 1);
      return { job, log: ctx.jobs.log(id, { after, limit: LOG_TAIL }) };
    },
    'jobs.cancel': async ({ id }) => audited(ctx, 'jobs.cancel', `job:${id}`, () => ctx.jobs.cancel(id)),
    'audit.list': async (filter) => ctx.audit.list(filter),
    'audit.export': async (filter) => ({
      filename: `audit-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`,
      csv: ctx.audit.exportCsv(filter),
    }),
  };
}
