/** The alerts area's part of the contract (issue 6). */
import { ConsoleError, type alertMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';

export function alertHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof alertMethods> {
  void ctx;
  const notYet = (): never => {
    throw new ConsoleError('INTERNAL', 'alerts are being built');
  };
  return {
    'alerts.channels': notYet,
    'alerts.channelAdd': notYet,
    'alerts.channelUpdate': notYet,
    'alerts.channelRemove': notYet,
    'alerts.test': notYet,
    'alerts.history': notYet,
  };
}
