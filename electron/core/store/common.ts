/** Small helpers shared by the store's table modules. */
import { randomBytes } from 'node:crypto';
import { ConsoleError } from '../../../shared';

export type Clock = () => number;

/** A new id matching the contract's IdSchema: `<prefix>-<16 hex>`. */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString('hex')}`;
}

/** Milliseconds since the epoch → ISO 8601 UTC, or undefined. */
export function iso(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Parses a JSON column the schema's CHECK already proved valid. */
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(text) as T;
}

export function notFound(what: string, id: string): ConsoleError {
  return new ConsoleError('NOT_FOUND', `No ${what} with id "${id.slice(0, 128)}".`);
}
