import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared';
import { safeFilename } from './download';
import { elapsedMs, formatDuration, formatHours, localDayToIso } from './format';
import { placeErrors } from './formErrors';

describe('placeErrors', () => {
  it('puts the core’s issues next to their fields', () => {
    const error = new ConsoleError(
      'INVALID_NAME',
      'Invalid business: name: a business name cannot start with "-"',
      {
        issues: [{ path: ['name'], message: 'a business name cannot start with "-"' }],
      },
    );
    expect(placeErrors(error, ['name', 'ownerContact'])).toEqual({
      fields: { name: 'a business name cannot start with "-"' },
      unplaced: null,
    });
  });

  it('keeps the whole error when an issue has no field here', () => {
    const error = new ConsoleError('BAD_REQUEST', 'x', { issues: [{ path: ['weird'], message: 'm' }] });
    expect(placeErrors(error, ['name']).unplaced).toBe(error);
  });

  it('puts a duplicate-name conflict on the name', () => {
    const error = new ConsoleError('CONFLICT', 'A business with this name already exists.');
    expect(placeErrors(error, ['name']).fields.name).toMatch(/already exists/);
  });

  it('leaves errors without issues unplaced', () => {
    const error = new ConsoleError('RESTIC_MISSING', 'no restic');
    expect(placeErrors(error, ['name'])).toEqual({ fields: {}, unplaced: error });
  });
});

describe('format helpers', () => {
  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(2 * 3600_000 + 7 * 60_000)).toBe('2 h 07 min');
    expect(formatDuration(null)).toBe('—');
  });

  it('measures elapsed time up to now for running work', () => {
    expect(elapsedMs('2025-01-01T00:00:00Z', '2025-01-01T00:00:10Z', 0)).toBe(10_000);
    expect(elapsedMs('2025-01-01T00:00:00Z', null, Date.parse('2025-01-01T00:01:00Z'))).toBe(60_000);
    expect(elapsedMs(null, null, 0)).toBeNull();
  });

  it('formats hours and local days', () => {
    expect(formatHours(26)).toBe('26 h');
    expect(formatHours(50)).toBe('2 d 2 h');
    expect(formatHours(72)).toBe('3 d');
    const start = localDayToIso('2025-03-10')!;
    const end = localDayToIso('2025-03-10', true)!;
    expect(Date.parse(end) - Date.parse(start)).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(new Date(start).getDate()).toBe(10);
    expect(localDayToIso('nope')).toBeUndefined();
  });
});

describe('safeFilename', () => {
  it('keeps only a plain file name', () => {
    expect(safeFilename('daily-check-2025-03-10.csv')).toBe('daily-check-2025-03-10.csv');
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('a\nb.csv')).toBe('ab.csv');
    expect(safeFilename('..')).toBe('export.txt');
  });
});
