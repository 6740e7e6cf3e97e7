/** The onboarding area's part of the contract (issue 6). */
import type { onboardingMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';

export function onboardingHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof onboardingMethods> {
  void ctx;
  return {};
}
