/** fleet.*: the daily check (a job), its history, exports and trend. */
import type { DailyCheck } from '../../../shared';
import type { CoreContext } from '../context';
import { DailyCheckService, type DailyCheckOptions } from '../fleet/daily-check';
import { minioCheckItems } from '../fleet/items/minio';
import { checkExportFilename, checkToCsv, checkToJson } from '../fleet/export';
import { checkTrend, localDayStart } from '../fleet/trend';
import type { Handlers } from '../rpc/dispatcher';

const PAGE = 1000;

export function fleetHandlers(
  ctx: CoreContext,
  options: DailyCheckOptions = {},
): Pick<
  Handlers,
  'fleet.dailyCheck' | 'fleet.checks' | 'fleet.check' | 'fleet.checkExport' | 'fleet.checkTrend'
> {
  const { store } = ctx;
  const service = new DailyCheckService(
    {
      store,
      runners: ctx.runners,
      repos: ctx.repos,
      resticBinaryFor: ctx.resticBinaryFor,
      jobs: ctx.jobs,
      events: ctx.events,
      log: ctx.log,
      minioItems: (signal) =>
        minioCheckItems(
          {
            db: store.db,
            secrets: ctx.secrets,
            repositories: async () =>
              (await store.repositories.list()).map((r) => ({
                id: r.id,
                name: r.name,
                location: r.location,
                businessId: r.businessId ?? null,
                businessName: r.businessName ?? null,
              })),
          },
          signal,
        ),
    },
    options,
  );

  return {
    'fleet.dailyCheck': async () => service.start(),
    'fleet.checks': async ({ limit, before }) =>
      store.dailyChecks.list({ limit, ...(before !== undefined ? { before } : {}) }),
    'fleet.check': async ({ id }) => {
      const check = id !== undefined ? store.dailyChecks.get(id) : store.dailyChecks.list({ limit: 1 })[0];
      if (!check) return null;
      return { check, items: store.dailyChecks.items(check.id) };
    },
    'fleet.checkExport': async ({ id, format }) => {
      const check = store.dailyChecks.get(id);
      const items = store.dailyChecks.items(id);
      return {
        filename: checkExportFilename(check, format),
        content: format === 'csv' ? checkToCsv(items) : checkToJson(check, items),
      };
    },
    'fleet.checkTrend': async ({ days }) => {
      const now = Date.now();
      const from = localDayStart(now, days - 1);
      const checks: DailyCheck[] = [];
      let before: string | undefined;
      for (;;) {
        const page = store.dailyChecks.list({ limit: PAGE, ...(before !== undefined ? { before } : {}) });
        checks.push(...page);
        const last = page.at(-1);
        if (page.length < PAGE || !last || Date.parse(last.startedAt) < from) break;
        before = last.id;
      }
      return checkTrend(checks, days, now);
    },
  };
}
