/**
 * Per repository of a business: did a restore drill prove recently that
 * its latest snapshot comes back byte for byte? From the drill history
 * (drills table); the verdict itself is pure.
 *
 * - last drill failed → failing, with the mismatches summarized;
 * - no drill, or the last pass older than the schedule allows → warning,
 *   with the reason in words;
 * - passed recently → ok.
 */
import type { DrillResult } from '../../../../shared';
import { DrillStore } from '../../drills/drill-store';
import { drillMaxAgeDays, type ScheduleTiming } from '../../drills/schedule';
import type { Db } from '../../store/db';
import { ageWords } from '../words';
import type { Verdict } from './types';

type Finished = Pick<
  DrillResult,
  | 'id'
  | 'jobId'
  | 'status'
  | 'finishedAt'
  | 'startedAt'
  | 'reason'
  | 'mismatches'
  | 'filesChecked'
  | 'hostName'
>;

const MISMATCHES_IN_REASON = 3;

function mismatchWords(d: Finished): string {
  if (d.mismatches.length === 0) return d.reason ?? 'no reason recorded';
  const shown = d.mismatches.slice(0, MISMATCHES_IN_REASON).map((m) => `${m.path}: ${m.reason}`);
  const more = d.mismatches.length - shown.length;
  return `${d.mismatches.length} file(s) did not match — ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

export function drillVerdict(
  last: { finished?: Finished; passed?: Finished },
  schedule: ScheduleTiming | undefined,
  asOf: number,
): Verdict {
  const maxAgeDays = drillMaxAgeDays(schedule);
  const { finished, passed } = last;
  if (finished && finished.status === 'failed') {
    const at = Date.parse(finished.finishedAt ?? finished.startedAt);
    return {
      status: 'failing',
      reason: `last restore drill failed ${ageWords(asOf - at)} ago: ${mismatchWords(finished)}`,
      data: {
        drillId: finished.id,
        jobId: finished.jobId,
        failedAt: finished.finishedAt ?? finished.startedAt,
        mismatches: finished.mismatches.length,
        ...(passed?.finishedAt ? { lastPassedAt: passed.finishedAt } : {}),
      },
    };
  }
  if (!passed?.finishedAt) {
    return {
      status: 'warning',
      reason: schedule?.enabled
        ? 'no restore drill yet (scheduled; the first one has not finished)'
        : 'no restore drill recorded: nobody has proved that this repository restores',
      data: { maxAgeDays },
    };
  }
  const at = Date.parse(passed.finishedAt);
  const ageDays = (asOf - at) / 86_400_000;
  const data = {
    drillId: passed.id,
    jobId: passed.jobId,
    lastPassedAt: passed.finishedAt,
    ageDays: Math.round(ageDays * 10) / 10,
    maxAgeDays,
    filesChecked: passed.filesChecked,
  };
  if (ageDays > maxAgeDays) {
    return {
      status: 'warning',
      reason: `last restore drill passed ${ageWords(asOf - at)} ago (older than ${maxAgeDays} d)`,
      data,
    };
  }
  return {
    status: 'ok',
    reason: `restore drill passed ${ageWords(asOf - at)} ago (${passed.filesChecked} files identical on ${passed.hostName ?? 'its host'})`,
    data,
  };
}

/** The verdict for one repository of a business, read from the drill history. */
export function repositoryDrillVerdict(db: Db, repoId: string, businessId: string, asOf: number): Verdict {
  const store = new DrillStore(db);
  return drillVerdict(store.lastOfRepo(repoId), store.schedule(businessId), asOf);
}
