/**
 * alerts.*: channels per business (secrets write-only), send test, the
 * delivery history. Also starts the console's own alerting: after every
 * daily check that completes, items that became failing go out to their
 * business's channels (see alerts/firing.ts for the rule).
 */
import type { alertMethods } from '../../../shared';
import { AlertService, type AlertServiceOptions } from '../alerts/alert-service';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';
import { audited } from './audited';

export function alertHandlers(
  ctx: CoreContext,
  options: AlertServiceOptions = {},
): Pick<Handlers, keyof typeof alertMethods> {
  const service = new AlertService(ctx, options);
  service.watchDailyChecks();
  void service
    .purgeRemovedSecrets()
    .catch((error: unknown) => ctx.log(`alerts: removing secrets of removed channels: ${String(error)}`));

  return {
    'alerts.channels': async ({ businessId }) => service.list(businessId),
    'alerts.channelAdd': async (input) =>
      audited(
        ctx,
        'alerts.channelAdd',
        input.businessId,
        async () => {
          const channel = await service.add(input);
          return channel;
        },
        { name: input.name, kind: input.settings.kind },
      ),
    'alerts.channelUpdate': async (input) =>
      audited(ctx, 'alerts.channelUpdate', input.id, () => service.update(input), {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
        // Which secrets changed, never their values.
        secretsSet: Object.keys(input.secrets ?? {}),
        secretsCleared: input.clear ?? [],
      }),
    'alerts.channelRemove': async ({ id }) =>
      audited(ctx, 'alerts.channelRemove', id, async () => {
        await service.remove(id);
        return {};
      }),
    'alerts.test': async ({ id }) =>
      audited(ctx, 'alerts.test', id, async () => {
        const delivery = await service.test(id);
        return delivery;
      }),
    'alerts.history': async ({ businessId, channelId, result, limit }) =>
      service.store.deliveries({
        ...(businessId !== undefined ? { businessId } : {}),
        ...(channelId !== undefined ? { channelId } : {}),
        ...(result !== undefined ? { result } : {}),
        limit,
      }),
  };
}
