/** Pure helpers for the diff view: counting and filtering changes. */
import type { DiffChange, DiffModifier } from '../../../../shared';

export const MODIFIERS: readonly DiffModifier[] = ['+', '-', 'M', 'T', 'U', '?'];

export function countModifiers(changes: readonly DiffChange[]): Record<DiffModifier, number> {
  const counts: Record<DiffModifier, number> = { '+': 0, '-': 0, M: 0, T: 0, U: 0, '?': 0 };
  for (const c of changes) counts[c.modifier] += 1;
  return counts;
}

export function filterChanges(
  changes: readonly DiffChange[],
  text: string,
  modifiers: ReadonlySet<DiffModifier>,
): DiffChange[] {
  const q = text.trim().toLowerCase();
  return changes.filter(
    (c) => (modifiers.size === 0 || modifiers.has(c.modifier)) && (!q || c.path.toLowerCase().includes(q)),
  );
}

/** Older snapshot first: a diff reads "what changed since". */
export function orderForDiff<T extends { id: string; time: string }>(a: T, b: T): [T, T] {
  return Date.parse(a.time) <= Date.parse(b.time) ? [a, b] : [b, a];
}
