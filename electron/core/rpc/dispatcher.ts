/**
 * Turns the contract into one `dispatch(method, rawInput)` that every
 * transport (IPC, HTTP) calls. Input is validated against the method's zod
 * schema before any handler runs; every failure becomes an error envelope
 * with a code from the closed set, never a thrown exception.
 */
import { z } from 'zod';
import {
  ConsoleError,
  fail,
  isMethodName,
  methods,
  ok,
  type Envelope,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../../../shared';

export interface CallContext {
  /** Which transport delivered the call; for the audit log and messages. */
  origin: 'ipc' | 'http' | 'internal';
  signal?: AbortSignal;
}

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>;
};

export type Dispatch = (method: string, rawInput: unknown, ctx: CallContext) => Promise<Envelope<unknown>>;

export interface DispatcherOptions {
  /** Called with unclassified exceptions (bugs), so they reach the log without reaching the client. */
  onInternalError?: (method: string, error: unknown) => void;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

export function createDispatcher(handlers: Handlers, options: DispatcherOptions = {}): Dispatch {
  return async (method, rawInput, ctx) => {
    if (!isMethodName(method)) return fail('UNKNOWN_METHOD', `Unknown method "${String(method).slice(0, 100)}".`);
    const spec = methods[method];
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return fail('BAD_REQUEST', `Invalid input for ${method}: ${describeIssues(parsed.error)}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      });
    }
    try {
      const handler = handlers[method] as (input: unknown, ctx: CallContext) => Promise<unknown>;
      const value = await handler(parsed.data, ctx);
      // Validating our own output catches a core bug at the boundary instead of in the UI.
      const checked = spec.output.safeParse(value);
      if (!checked.success) {
        options.onInternalError?.(method, checked.error);
        return fail('INTERNAL', `The console produced an invalid reply for ${method}.`);
      }
      return ok(checked.data);
    } catch (error) {
      if (error instanceof ConsoleError) return { ok: false, error: error.toBody() };
      options.onInternalError?.(method, error);
      return fail('INTERNAL', `Unexpected failure in ${method}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
