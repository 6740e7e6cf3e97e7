/** The alerts area's part of the contract (issue 6). */
import type { alertMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';

export function alertHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof alertMethods> {
  void ctx;
  return {};
}
