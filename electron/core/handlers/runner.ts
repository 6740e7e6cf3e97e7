/** The runner area's part of the contract (issue 6). */
import type { runnerMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';

export function runnerHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof runnerMethods> {
  void ctx;
  return {};
}
