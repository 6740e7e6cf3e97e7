/** The reply envelope every method call returns, over IPC and HTTP alike. */
import { z } from 'zod';
import { ConsoleError, ErrorBodySchema, type ErrorBody, type ErrorCode } from './errors';

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export const EnvelopeShapeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorBodySchema }),
]);

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string, detail?: unknown): Envelope<never> {
  return { ok: false, error: new ConsoleError(code, message, detail).toBody() };
}

/** Opens an envelope: the value, or the error re-thrown as a ConsoleError. */
export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw ConsoleError.fromBody(envelope.error);
}
