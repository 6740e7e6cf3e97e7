/**
 * Transport tests need a full handler map but exercise a few methods;
 * every other method answers with a typed error naming itself, so a test
 * that reaches one by mistake fails loudly.
 */
import { ConsoleError, METHOD_NAMES } from '../../shared';
import type { Handlers } from '../../electron/core/rpc/dispatcher';

export function handlersWith(overrides: Partial<Handlers>): Handlers {
  const all: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    all[name] = async () => {
      throw new ConsoleError('INTERNAL', `${name} is not part of this test`);
    };
  }
  return { ...all, ...overrides } as Handlers;
}
