/**
 * Per plan with an installed runner: what the host's status files say,
 * cross-checked against the repository's snapshots (a runner that says
 * "ok" without a matching snapshot is failing), and the offsite copy's
 * freshness when the plan has an offsite repository.
 */
import type { Snapshot } from '../../../../shared';
import type { RunnerRegistry } from '../../exec/runners';
import { readRunnerReport } from '../../runner/runner';
import { runnerStore } from '../../runner/runner';
import { judgeCopy, judgeRunner } from '../../runner/status';
import type { Store } from '../../store/store';
import type { Plan } from '../../store/plans';
import type { Verdict } from './types';

export interface RunnerItemDeps {
  store: Store;
  runners: RunnerRegistry;
  /** Runs work on a host within the check's limits (fan-out, deadline, cancel). */
  onHost<T>(hostId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  now: number;
}

export interface RunnerItemVerdicts {
  runner: Verdict;
  offsite?: Verdict;
}

/** Undefined when the console never installed a runner for the plan. */
export async function runnerVerdicts(
  deps: RunnerItemDeps,
  plan: Plan,
  hostName: string,
  snapshots: readonly Snapshot[],
): Promise<RunnerItemVerdicts | undefined> {
  const settings = runnerStore(deps).get(plan.id);
  if (!settings.install) return undefined;
  let report;
  try {
    report = await deps.onHost(plan.hostId, (signal) =>
      readRunnerReport({ store: deps.store, runners: deps.runners }, { planId: plan.id, signal }),
    );
  } catch (error) {
    if (
      error instanceof Error &&
      error.name === 'ConsoleError' &&
      (error as { code?: string }).code === 'CANCELLED'
    )
      throw error;
    const why = error instanceof Error ? error.message : String(error);
    return { runner: { status: 'warning', reason: `runner status not read: ${why}`, data: {} } };
  }
  const judged = judgeRunner(report, {
    planId: plan.id,
    hostName,
    freshnessHours: plan.effectiveFreshnessHours,
    installed: true,
    now: deps.now,
    snapshots,
  });
  const status = judged.health === 'unknown' ? 'warning' : judged.health;
  const out: RunnerItemVerdicts = {
    runner: {
      status,
      reason: judged.words,
      data: { ...judged.data, scheduler: settings.install.scheduler },
    },
  };
  if (settings.offsiteRepositoryId) {
    const copy = judgeCopy(report.copy, plan.effectiveFreshnessHours, deps.now);
    out.offsite = {
      status: copy.health === 'unknown' ? 'warning' : copy.health,
      reason: copy.words,
      data: { ...copy.data, offsiteRepositoryId: settings.offsiteRepositoryId },
    };
  }
  return out;
}
