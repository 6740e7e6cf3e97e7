/**
 * IPC channel names shared by electron/main and electron/preload. Kept in
 * a module of its own, with no imports, so the sandboxed preload bundle
 * stays tiny.
 */

/** renderer → main (invoke): `(method: string, input: unknown) → Envelope`. */
export const CALL_CHANNEL = 'rfc:call';

/** main → renderer (send): `{ event, payload }` from the core's event bus. */
export const EVENT_CHANNEL = 'rfc:event';
