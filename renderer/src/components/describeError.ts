import type { TFunction } from 'i18next';
import { isConsoleError, type ErrorCode } from '../../../shared';

export interface DescribedError {
  code: ErrorCode | 'BUG';
  /** "Repository not found (REPO_NOT_FOUND): the message" */
  line: string;
  hint?: string;
}

export function describeError(error: unknown, t: TFunction): DescribedError {
  if (isConsoleError(error)) {
    const label = t(`errors.codes.${error.code}`, { defaultValue: error.code });
    const hint = t(`errors.hints.${error.code}`, { defaultValue: '' });
    return {
      code: error.code,
      line: `${label} (${error.code}): ${error.message}`,
      ...(hint ? { hint } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'BUG', line: `${t('errors.bug')}: ${message}` };
}
