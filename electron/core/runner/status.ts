/**
 * Reading what a host says about a plan's runner (the control script's
 * `status` output: key=value lines, then the two status files), and
 * judging it against the repository's snapshots. Pure.
 */
import {
  CopyStatusSchema,
  RunnerRunStatusSchema,
  type CopyStatus,
  type RunnerRunStatus,
  type RunnerStatus,
  type Snapshot,
} from '../../../shared';

export interface HostRunnerReport {
  onHost: RunnerStatus['onHost'];
  last: RunnerRunStatus | null;
  lastUnreadable: string | null;
  copy: CopyStatus | null;
}

function parseJson<T>(
  text: string,
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } };
  },
): { value: T | null; error: string | null } {
  const trimmed = text.trim();
  if (trimmed === '') return { value: null, error: null };
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return { value: null, error: 'the status file is not valid JSON (cut short?)' };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    return { value: null, error: 'the status file is not in the format this console reads' };
  return { value: parsed.data, error: null };
}

/** Parses the control script's `status` output. */
export function parseStatusReport(text: string): HostRunnerReport {
  const statusAt = text.indexOf('__rfc_status__\n');
  const copyAt = text.indexOf('__rfc_copy__\n');
  const head = statusAt >= 0 ? text.slice(0, statusAt) : text;
  const kv = new Map<string, string>();
  for (const line of head.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const statusText =
    statusAt >= 0 ? text.slice(statusAt + '__rfc_status__\n'.length, copyAt >= 0 ? copyAt : undefined) : '';
  const copyText = copyAt >= 0 ? text.slice(copyAt + '__rfc_copy__\n'.length) : '';
  const last = parseJson(statusText, RunnerRunStatusSchema);
  const copy = parseJson(copyText, CopyStatusSchema);
  const scheduled = kv.get('scheduled');
  const pid = Number(kv.get('runningPid'));
  return {
    onHost: {
      script: kv.get('script') === 'yes',
      envFile: kv.get('env') === 'yes',
      envMode: kv.get('envMode') ?? null,
      scheduled: scheduled === 'systemd' || scheduled === 'cron' ? scheduled : 'none',
      runningPid: Number.isInteger(pid) && pid > 0 ? pid : null,
      hostNow: kv.get('now') ?? null,
    },
    last: last.value,
    lastUnreadable: last.error,
    copy: copy.value,
  };
}

/** How far a snapshot's time may be from the run's start/end (clock rounding, slow uploads). */
const SLACK_MS = 2 * 60_000;

/** The snapshot the runner's run made: by the summary's id, else by tag, host and time. */
export function matchingSnapshot(
  last: RunnerRunStatus,
  planId: string,
  hostName: string,
  snapshots: readonly Snapshot[],
): Snapshot | undefined {
  const tag = `plan:${planId}`;
  const candidates = snapshots.filter((s) => s.hostname === hostName && s.tags.includes(tag));
  const sid = last.summary?.snapshot_id;
  if (sid) return candidates.find((s) => s.id.startsWith(sid) || s.shortId === sid);
  const from = Date.parse(last.start) - SLACK_MS;
  const to = Date.parse(last.end) + SLACK_MS;
  return candidates.find((s) => {
    const at = Date.parse(s.time);
    return at >= from && at <= to;
  });
}

function ago(fromIso: string, now: number): string {
  const ms = now - Date.parse(fromIso);
  if (!Number.isFinite(ms)) return 'at an unknown time';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 90) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

export interface RunnerJudgement {
  health: 'ok' | 'warning' | 'failing' | 'unknown';
  words: string;
  data: Record<string, unknown>;
}

export interface JudgeOptions {
  planId: string;
  hostName: string;
  freshnessHours: number;
  installed: boolean;
  now: number;
  /** The repository's snapshots, when they could be read (no cross-check otherwise). */
  snapshots?: readonly Snapshot[];
}

/** The runner's health in words: what the daily check and the Plans screen show. */
export function judgeRunner(report: HostRunnerReport, o: JudgeOptions): RunnerJudgement {
  const { last, onHost } = report;
  const data: Record<string, unknown> = {
    scheduled: onHost.scheduled,
    ...(last
      ? {
          state: last.state,
          start: last.start,
          end: last.end,
          exitCode: last.exitCode,
          resticVersion: last.resticVersion,
          errorCount: last.errorCount,
        }
      : {}),
  };
  if (!onHost.script || !onHost.envFile) {
    if (!o.installed) return { health: 'unknown', words: 'runner not installed on the host', data };
    return {
      health: 'failing',
      words: `runner files missing on the host (script ${onHost.script ? 'present' : 'missing'}, settings ${onHost.envFile ? 'present' : 'missing'}); re-install it`,
      data,
    };
  }
  if (onHost.scheduled === 'none')
    return {
      health: 'failing',
      words: 'runner installed but not scheduled (no timer or crontab entry); re-install it',
      data,
    };
  if (onHost.envMode && onHost.envMode !== '-rw-------')
    return {
      health: 'warning',
      words: `the settings file with the repository password is readable by others (${onHost.envMode}); re-install it`,
      data,
    };
  if (report.lastUnreadable) return { health: 'failing', words: report.lastUnreadable, data };
  if (!last) return { health: 'warning', words: `scheduled by ${onHost.scheduled}, no run yet`, data };
  if (last.state === 'running') {
    if (onHost.runningPid) return { health: 'ok', words: `running since ${ago(last.start, o.now)}`, data };
    return {
      health: 'failing',
      words: `the run started ${ago(last.start, o.now)} never finished (killed, or the host went down)`,
      data,
    };
  }
  if (last.state === 'failed') {
    const hook = last.hookFailures[0];
    const why =
      last.reason ||
      (hook ? `${hook.phase} hook ${hook.index} exited ${hook.exitCode}` : `exit ${last.exitCode}`);
    return { health: 'failing', words: `last run ${ago(last.end, o.now)} failed: ${why}`, data };
  }
  if (o.snapshots) {
    const snap = matchingSnapshot(last, o.planId, o.hostName, o.snapshots);
    if (!snap) {
      const sid = last.summary?.snapshot_id;
      return {
        health: 'failing',
        words: `the runner reports a successful run ${ago(last.end, o.now)}${sid ? ` (snapshot ${sid.slice(0, 8)})` : ''} but the repository has no such snapshot (tag plan:${o.planId}, host ${o.hostName})`,
        data,
      };
    }
    data.snapshotId = snap.id;
  }
  const ageHours = (o.now - Date.parse(last.end)) / 3_600_000;
  if (ageHours > o.freshnessHours)
    return {
      health: 'warning',
      words: `last run ${ago(last.end, o.now)} is older than the ${o.freshnessHours} h target: is the schedule firing?`,
      data,
    };
  if (last.state === 'partial')
    return {
      health: 'warning',
      words: `last run ${ago(last.end, o.now)} skipped files: ${last.reason}`,
      data,
    };
  return {
    health: 'ok',
    words: `last run ${ago(last.end, o.now)} ok${o.snapshots ? ', snapshot in the repository' : ''}`,
    data,
  };
}

/** The offsite copy's freshness in words. */
export function judgeCopy(copy: CopyStatus | null, freshnessHours: number, now: number): RunnerJudgement {
  if (!copy) return { health: 'warning', words: 'no offsite copy yet', data: {} };
  const data = { state: copy.state, start: copy.start, end: copy.end, exitCode: copy.exitCode };
  if (copy.state === 'failed')
    return {
      health: 'failing',
      words: `offsite copy ${ago(copy.end, now)} failed: ${copy.reason || `exit ${copy.exitCode}`}`,
      data,
    };
  const ageHours = (now - Date.parse(copy.end)) / 3_600_000;
  if (ageHours > freshnessHours)
    return {
      health: 'warning',
      words: `last offsite copy ${ago(copy.end, now)}, target ${freshnessHours} h`,
      data,
    };
  return { health: 'ok', words: `last offsite copy ${ago(copy.end, now)}`, data };
}
