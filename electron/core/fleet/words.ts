/**
 * Ages and reasons in words, the way an ops engineer says them:
 * "45 min", "31 h", "3 d". Pure.
 */
import { ConsoleError } from '../../../shared';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "40 s", "45 min", "31 h" (under 2 days), "3 d". */
export function ageWords(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < MINUTE) return `${Math.round(abs / 1000)} s`;
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < 2 * DAY) return `${Math.round(abs / HOUR)} h`;
  return `${Math.round(abs / DAY)} d`;
}

/** Hours with at most one decimal: 26, 31, 0.5. */
export function hoursWords(hours: number): string {
  const rounded = Math.round(hours * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} h`;
}

export function hoursBetween(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / HOUR;
}

/** The first line of a message, trimmed and bounded, for a reason. */
export function firstLine(text: string, max = 300): string {
  const line =
    text
      .replace(/^Fatal:\s*/i, '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Why a host could not be reached, short: "connection refused", "host key
 * changed", "authentication failed", "timed out", or the error's first line.
 */
export function unreachableWords(error: unknown): string {
  const code = error instanceof ConsoleError ? error.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|connection refused/i.test(message)) return 'connection refused';
  if (code === 'HOST_KEY_CHANGED') return `host key changed — ${firstLine(message)}`;
  if (code === 'HOST_KEY_UNKNOWN') return `host key not pinned yet — ${firstLine(message)}`;
  if (code === 'HOST_AUTH_FAILED') return `authentication failed — ${firstLine(message)}`;
  if (code === 'TIMEOUT' || /ETIMEDOUT|timed out/i.test(message)) return 'timed out';
  if (/EHOSTUNREACH|ENETUNREACH|no route to host/i.test(message)) return 'no route to host';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(message)) return 'address not found';
  if (/ECONNRESET|connection reset/i.test(message)) return 'connection reset';
  return firstLine(message) || 'unknown error';
}
