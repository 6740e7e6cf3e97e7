/**
 * Opening reply envelopes on the renderer side. Both transports hand us
 * `unknown` (JSON from fetch, a structured clone from IPC): check the
 * envelope's shape, then return the value or throw the ConsoleError it
 * carries. A reply that is not an envelope at all is a bug somewhere in
 * between and becomes an INTERNAL ConsoleError, never a silent undefined.
 */
import { ConsoleError, EnvelopeShapeSchema, isConsoleError, type ErrorCode } from '../../../shared';

export function openEnvelope<T>(raw: unknown, context: string): T {
  const parsed = EnvelopeShapeSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConsoleError('INTERNAL', `${context}: the reply is not a console envelope`, {
      issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  const envelope = parsed.data;
  if (envelope.ok) return envelope.value as T;
  throw ConsoleError.fromBody(envelope.error);
}

/** HTTP status → the error code we report when the body is not an envelope. */
export function codeForHttpStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'UNAUTHORIZED';
  if (status === 404) return 'UNKNOWN_METHOD';
  if (status === 400 || status === 413 || status === 415) return 'BAD_REQUEST';
  if (status === 408 || status === 504) return 'TIMEOUT';
  return 'INTERNAL';
}

/** Anything thrown by a transport becomes a ConsoleError (ConsoleErrors pass through). */
export function asConsoleError(error: unknown, context: string): ConsoleError {
  if (isConsoleError(error)) return error;
  // Errors that crossed a structured clone lose their class but keep code/message.
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { code, message, detail } = error as { code: unknown; message: unknown; detail?: unknown };
    if (typeof code === 'string' && typeof message === 'string') {
      const body = EnvelopeShapeSchema.safeParse({ ok: false, error: { code, message, detail } });
      if (body.success && !body.data.ok) return ConsoleError.fromBody(body.data.error);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ConsoleError('INTERNAL', `${context}: ${message}`);
}
