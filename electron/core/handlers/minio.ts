/** The minio area's part of the contract (issue 6). */
import type { minioMethods } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';

export function minioHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof minioMethods> {
  void ctx;
  return {};
}
