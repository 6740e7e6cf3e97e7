/**
 * The core's typed errors, put next to the form field they are about.
 * Input rules in the core answer INVALID_NAME / BAD_REQUEST with
 * `detail.issues: [{ path: ['name'], message }]`; the field is the last
 * path element the form knows. Whatever cannot be placed is shown above
 * the buttons as a whole-form error.
 */
import { isConsoleError } from '../../../shared';

export interface PlacedErrors {
  fields: Record<string, string>;
  /** The error when no issue could be put on a field (shown as an alert). */
  unplaced: unknown;
}

function issuesOf(detail: unknown): Array<{ path: string[]; message: string }> {
  if (typeof detail !== 'object' || detail === null) return [];
  const issues = (detail as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue) => {
    if (typeof issue !== 'object' || issue === null) return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    if (!Array.isArray(path) || typeof message !== 'string') return [];
    return [{ path: path.map(String), message }];
  });
}

/**
 * `fieldFor` maps an issue path to a form field (or null); by default the
 * first path element that is one of `known` wins.
 */
export function placeErrors(
  error: unknown,
  known: readonly string[],
  fieldFor?: (path: string[]) => string | null,
): PlacedErrors {
  if (!isConsoleError(error)) return { fields: {}, unplaced: error };
  // "A business with this name already exists." belongs next to the name.
  if (error.code === 'CONFLICT' && known.includes('name') && /with this name/i.test(error.message)) {
    return { fields: { name: error.message }, unplaced: null };
  }
  const fields: Record<string, string> = {};
  let missed = false;
  const issues = issuesOf(error.detail);
  for (const issue of issues) {
    const field = fieldFor ? fieldFor(issue.path) : (issue.path.find((p) => known.includes(p)) ?? null);
    if (field && !fields[field]) fields[field] = issue.message;
    else if (!field) missed = true;
  }
  if (issues.length === 0 || missed) return { fields, unplaced: error };
  return { fields, unplaced: null };
}
