import { describe, expect, it } from 'vitest';
import { displaySafe, formatAge, formatBytes, formatUtcOffset } from '../../../shared/format';

describe('format', () => {
  it('formats sizes in IEC units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1536 * 1024)).toBe('1.50 MiB');
    expect(formatBytes(250 * 1024 ** 3)).toBe('250 GiB');
    expect(formatBytes(undefined)).toBe('—');
  });

  it('formats ages coarsely', () => {
    const now = new Date('2026-01-02T00:00:00Z');
    expect(formatAge('2026-01-01T23:59:30Z', now)).toBe('30 s ago');
    expect(formatAge('2026-01-01T21:00:00Z', now)).toBe('3 h ago');
    expect(formatAge('2025-12-28T00:00:00Z', now)).toBe('5 d ago');
    expect(formatAge('garbage', now)).toBe('—');
  });

  it('gives an offset string', () => {
    expect(formatUtcOffset('2026-01-01T00:00:00Z')).toMatch(/^UTC[+-]\d\d:\d\d$/);
  });

  it('neutralises control characters in file names', () => {
    expect(displaySafe('a\nb')).toBe('a\\x0ab');
    expect(displaySafe('\u001b[31mred')).toBe('\\x1b[31mred');
    expect(displaySafe('报告 "Q3" $(x)')).toBe('报告 "Q3" $(x)');
  });
});
