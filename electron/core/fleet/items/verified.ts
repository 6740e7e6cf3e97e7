/**
 * Per repository: when was it last verified with `restic check`, from the
 * job history (jobs of kind `repo.check`, target `repo:<id>`). Pure.
 */
import type { JobRecord } from '../../../../shared';
import { ageWords } from '../words';
import type { Verdict } from './types';

export const VERIFY_JOB_KIND = 'repo.check';
export const verifyJobTarget = (repoId: string): string => `repo:${repoId}`;
/** A verification older than this is a warning. */
export const VERIFY_MAX_AGE_DAYS = 30;

type Finished = Pick<JobRecord, 'id' | 'status' | 'endedAt' | 'error'>;

/**
 * `lastSucceeded`: the newest succeeded check job; `lastFinished`: the
 * newest finished one of any outcome (a failure after the last success is
 * what matters most).
 */
export function verifiedVerdict(
  lastSucceeded: Finished | undefined,
  lastFinished: Finished | undefined,
  asOf: number,
): Verdict {
  if (lastFinished && lastFinished.status === 'failed' && lastFinished.endedAt) {
    const okAt = lastSucceeded?.endedAt ? Date.parse(lastSucceeded.endedAt) : -Infinity;
    const failedAt = Date.parse(lastFinished.endedAt);
    if (failedAt >= okAt) {
      return {
        status: 'failing',
        reason: `last restic check failed ${ageWords(asOf - failedAt)} ago${lastFinished.error ? `: ${lastFinished.error.message.split('\n')[0]}` : ''}`,
        data: {
          jobId: lastFinished.id,
          failedAt: lastFinished.endedAt,
          ...(lastSucceeded?.endedAt ? { lastVerifiedAt: lastSucceeded.endedAt } : {}),
        },
      };
    }
  }
  if (!lastSucceeded?.endedAt) {
    return { status: 'warning', reason: 'never verified (no successful restic check recorded)', data: {} };
  }
  const at = Date.parse(lastSucceeded.endedAt);
  const ageDays = (asOf - at) / 86_400_000;
  const data = {
    jobId: lastSucceeded.id,
    lastVerifiedAt: lastSucceeded.endedAt,
    ageDays: Math.round(ageDays * 10) / 10,
  };
  if (ageDays > VERIFY_MAX_AGE_DAYS) {
    return {
      status: 'warning',
      reason: `last verified ${ageWords(asOf - at)} ago (more than ${VERIFY_MAX_AGE_DAYS} d)`,
      data,
    };
  }
  return { status: 'ok', reason: `verified ${ageWords(asOf - at)} ago`, data };
}
