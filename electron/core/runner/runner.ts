/**
 * The host-side runner, from the console's side: install it on a plan's
 * host over SSH (script, root-only env file, systemd timer or crontab
 * entry), remove it, read its status, run it now, copy offsite now.
 *
 * This is the API other areas call (the onboarding wizard installs through
 * `installRunner` and previews schedules with `previewSchedule`):
 *
 *   const install = await installRunner(ctx, { planId });
 *   const status = await runnerStatus(ctx, { planId });
 *
 * Everything on the host goes through one POSIX sh control script
 * (rfc-control.sh) run as `sh -c <script> rfc-control <command> <plan>`:
 * its argv holds no secret; file contents travel base64-encoded in the
 * environment, which the SSH runner sends on the channel's stdin.
 */
import { Buffer } from 'node:buffer';
import {
  ConsoleError,
  type AlertKind,
  type RunnerInstall,
  type RunnerStatus,
  type Snapshot,
} from '../../../shared';
import type { CoreContext } from '../context';
import { runnerAlertTarget } from '../alerts/runner-target';
import { ProgramNotFoundError, type ProcessRunner } from '../exec/process';
import type { RunnerRegistry } from '../exec/runners';
import { secretNames } from '../secrets/secret-store';
import {
  cronLine,
  envFileText,
  parseLayout,
  serviceUnit,
  timerUnit,
  unitName,
  type HostLayout,
} from './artifacts';
import {
  cronToOnCalendar,
  parseCron,
  previewSchedule as preview,
  type PreviewLocale,
  type SchedulePreview,
} from './cron';
import { CONTROL_SCRIPT, RUNNER_SCRIPT } from './embedded-scripts';
import { DEFAULT_CRON, RunnerStore, runnerSecretNames, type RunnerSettings } from './runner-store';
import { judgeRunner, parseStatusReport, type HostRunnerReport } from './status';

export { DEFAULT_CRON, RunnerStore, runnerSecretNames } from './runner-store';
export { cronToOnCalendar, parseCron } from './cron';
export type { SchedulePreview } from './cron';

/** What the runner functions need from the core (a CoreContext has it all). */
export interface RunnerDeps {
  store: CoreContext['store'];
  runners: Pick<RunnerRegistry, 'runnerFor'>;
  secrets: CoreContext['secrets'];
  resticBinaryFor: CoreContext['resticBinaryFor'];
}

export interface RunnerCall {
  planId: string;
  signal?: AbortSignal;
}

export interface InstallOptions extends RunnerCall {
  /** Change the plan's cron schedule first (validated; stored). */
  cron?: string;
  /** The host's own S3 keys for this plan (e.g. the onboarding's append-only host key); stored write-only. */
  hostSecretEnv?: Record<string, string>;
  /** The business's alert channel for failed runs; the URL is stored write-only. */
  alert?: { kind: AlertKind; url: string };
}

const stores = new WeakMap<object, RunnerStore>();
/** One RunnerStore per database. */
export function runnerStore(deps: Pick<CoreContext, 'store'>): RunnerStore {
  let s = stores.get(deps.store.db);
  if (!s) {
    s = new RunnerStore(deps.store.db);
    stores.set(deps.store.db, s);
  }
  return s;
}

/** A cron expression in words, its next run times and its OnCalendar lines (BAD_REQUEST when invalid). */
export function previewSchedule(
  cron: string,
  options: { now?: Date; count?: number; locale?: PreviewLocale; timeZone?: string } = {},
): SchedulePreview {
  return preview(cron, options);
}

interface ControlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 256 * 1024;

/** Runs one control-script command on a host. `onStderr` sees stderr lines as they come (a run's progress). */
async function control(
  runner: ProcessRunner,
  command: string,
  planId: string,
  opts: {
    env?: Record<string, string>;
    secretEnv?: Record<string, string>;
    signal?: AbortSignal;
    onStderr?: (line: string) => void;
  } = {},
): Promise<ControlResult> {
  if (opts.signal?.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  let proc;
  try {
    proc = runner.start({
      argv: ['sh', '-c', CONTROL_SCRIPT, 'rfc-control', command, planId],
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.secretEnv ? { secretEnv: opts.secretEnv } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (error) {
    if (error instanceof ProgramNotFoundError)
      throw new ConsoleError('NOT_FOUND', 'sh: not found on the host');
    throw error;
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outLen = 0;
  let errLen = 0;
  let partial = '';
  proc.stdout.on('data', (c: Buffer) => {
    if (outLen < MAX_OUTPUT) out.push(c);
    outLen += c.length;
  });
  proc.stderr.on('data', (c: Buffer) => {
    if (errLen < MAX_OUTPUT) err.push(c);
    errLen += c.length;
    if (opts.onStderr) {
      const lines = (partial + c.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) opts.onStderr(l);
    }
  });
  const exit = await proc.exit;
  if (partial && opts.onStderr) opts.onStderr(partial);
  if (opts.signal?.aborted) throw new ConsoleError('CANCELLED', 'Cancelled.');
  return {
    code: exit.code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function lastLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

interface PlanContext {
  plan: ReturnType<RunnerDeps['store']['plans']['get']>;
  hostName: string;
  hostId: string;
  settings: RunnerSettings;
  runner: ProcessRunner;
}

async function planContext(deps: RunnerDeps, planId: string): Promise<PlanContext> {
  const plan = deps.store.plans.get(planId);
  const host = await deps.store.hosts.get(plan.hostId);
  const settings = runnerStore(deps).get(planId);
  const runner = await deps.runners.runnerFor(host.id);
  return { plan, hostName: host.name, hostId: host.id, settings, runner };
}

async function jsonSecret(deps: RunnerDeps, name: string): Promise<Record<string, string> | undefined> {
  const text = await deps.secrets.get(name);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, string>);
}

/**
 * Where the runner posts failed runs: the plan's own alert URL when set,
 * else the business's first webhook, DingTalk or Slack channel (alerts
 * area). A DingTalk robot with signing (加签) is skipped: signing needs the
 * secret on openssl's command line, where `ps` would show it.
 */
async function alertFor(
  deps: RunnerDeps,
  planId: string,
  businessId: string,
  settings: RunnerSettings,
): Promise<{ target: { kind: string; url: string } | null; info: RunnerInstall['alert'] }> {
  if (settings.alertKind) {
    const url = await deps.secrets.get(runnerSecretNames.alertUrl(planId));
    if (url)
      return {
        target: { kind: settings.alertKind, url },
        info: { source: 'plan', kind: settings.alertKind },
      };
  }
  const channel = await runnerAlertTarget(deps, businessId);
  if (!channel) return { target: null, info: null };
  if (channel.signSecret)
    return {
      target: null,
      info: {
        source: 'business',
        kind: channel.kind,
        note: 'the business’s DingTalk robot signs requests (加签), which the runner cannot do without exposing the secret; failed runs reach it through the daily check',
      },
    };
  return {
    target: { kind: channel.kind, url: channel.url },
    info: { source: 'business', kind: channel.kind },
  };
}

/** Where the runner goes on the plan's host, and which scheduler it has. */
export async function detectHost(deps: RunnerDeps, call: RunnerCall): Promise<HostLayout> {
  const { runner, hostId } = await planContext(deps, call.planId);
  const res = await control(runner, 'detect', call.planId, {
    env: { RFC_RESTIC: await deps.resticBinaryFor(hostId) },
    ...(call.signal ? { signal: call.signal } : {}),
  });
  if (res.code !== 0)
    throw new ConsoleError(
      'INTERNAL',
      `Could not inspect the host: ${lastLine(res.stderr) || `exit ${res.code}`}`,
    );
  return parseLayout(res.stdout);
}

/**
 * Installs (or re-installs, replacing cleanly) a plan's runner on its host.
 * HOST_NO_SCHEDULER when the host has neither systemd nor cron: nothing is
 * written then. RESTIC_MISSING when restic is not on the host.
 */
export async function installRunner(deps: RunnerDeps, options: InstallOptions): Promise<RunnerInstall> {
  const { planId } = options;
  const store = runnerStore(deps);
  if (options.cron !== undefined) store.update(planId, { cron: options.cron });
  if (options.hostSecretEnv)
    await deps.secrets.set(runnerSecretNames.hostSecretEnv(planId), JSON.stringify(options.hostSecretEnv));
  if (options.alert) {
    await deps.secrets.set(runnerSecretNames.alertUrl(planId), options.alert.url);
    store.update(planId, { alertKind: options.alert.kind });
  }
  const { plan, hostName, hostId, settings, runner } = await planContext(deps, planId);
  const repo = await deps.store.repositories.get(plan.repositoryId);
  const business = deps.store.businesses.get(plan.businessId);
  const password = await deps.secrets.get(secretNames.repoPassword(repo.id));
  if (password === undefined)
    throw new ConsoleError('BAD_REQUEST', `No password is stored for repository ${repo.name}: set it first.`);
  const hostEnv = await jsonSecret(deps, runnerSecretNames.hostSecretEnv(planId));
  const repoEnv = await jsonSecret(deps, secretNames.repoSecretEnv(repo.id));
  const resticEnv = { ...repo.env, ...(hostEnv ?? repoEnv ?? {}) };

  let offsite: { repository: string; password: string } | null = null;
  if (settings.offsiteRepositoryId) {
    const off = await deps.store.repositories.get(settings.offsiteRepositoryId);
    const offPassword = await deps.secrets.get(secretNames.repoPassword(off.id));
    if (offPassword === undefined)
      throw new ConsoleError(
        'BAD_REQUEST',
        `No password is stored for the offsite repository ${off.name}: set it first.`,
      );
    const offEnv = { ...off.env, ...((await jsonSecret(deps, secretNames.repoSecretEnv(off.id))) ?? {}) };
    // restic copy runs in one process with one environment: both repositories must agree on it.
    for (const [name, value] of Object.entries(offEnv)) {
      if (name in resticEnv && resticEnv[name] !== value)
        throw new ConsoleError(
          'UNSUPPORTED',
          `The offsite repository ${off.name} needs another ${name} than the primary; restic copy runs with one set of S3 keys, so give both repositories keys that reach both buckets.`,
        );
      resticEnv[name] = value;
    }
    offsite = { repository: off.location, password: offPassword };
  }
  const alert = await alertFor(deps, planId, plan.businessId, settings);

  const layout = await detectHost(deps, { planId, ...(options.signal ? { signal: options.signal } : {}) });
  if (layout.scheduler === 'none')
    throw new ConsoleError(
      'HOST_NO_SCHEDULER',
      `Host ${hostName} has neither systemd nor cron (crontab), so the runner could not be scheduled; nothing was installed. Install cron (apt-get install cron) and try again.`,
    );
  if (layout.restic === '')
    throw new ConsoleError(
      'RESTIC_MISSING',
      `restic is not installed on ${hostName} (or not in the login PATH); nothing was installed.`,
    );

  const envText = envFileText({
    planId,
    planName: plan.name,
    business: business.name,
    hostName,
    statusDir: layout.status,
    restic: layout.restic,
    paths: plan.paths,
    excludes: plan.excludes,
    tags: plan.tags,
    preHooks: settings.preHooks,
    postHooks: settings.postHooks,
    hookTimeoutSeconds: settings.hookTimeoutSeconds,
    repository: repo.location,
    password,
    resticEnv,
    offsite,
    alert: alert.target,
  });
  const onCalendar = layout.scheduler === 'systemd' ? cronToOnCalendar(settings.cron) : [];
  const line = cronLine(layout, planId, settings.cron);
  const res = await control(runner, 'install', planId, {
    env: {
      RFC_SCHEDULER: layout.scheduler,
      RFC_B64_SCRIPT: b64(RUNNER_SCRIPT),
      RFC_B64_SERVICE: b64(serviceUnit(layout, planId, plan.name)),
      RFC_B64_TIMER: b64(timerUnit(plan.name, settings.cron)),
      RFC_B64_CRON: b64(line),
    },
    secretEnv: { RFC_B64_ENV: b64(envText) },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (res.code !== 0) {
    if (res.stderr.includes('__rfc_no_scheduler__'))
      throw new ConsoleError(
        'HOST_NO_SCHEDULER',
        `Host ${hostName} has neither systemd nor cron; nothing was installed.`,
      );
    if (res.stderr.includes('__rfc_verify_failed__'))
      throw new ConsoleError(
        'UNSUPPORTED',
        `systemd-analyze verify refused the runner's units on ${hostName}; nothing was scheduled: ${res.stderr.replace('__rfc_verify_failed__', '').trim().slice(0, 2000)}`,
      );
    throw new ConsoleError(
      'INTERNAL',
      `Installing the runner on ${hostName} failed: ${lastLine(res.stderr) || `exit ${res.code}`}`,
    );
  }
  const install: RunnerInstall = {
    planId,
    hostId,
    scheduler: layout.scheduler,
    scope: layout.scope,
    scriptPath: `${layout.lib}/rfc-runner.sh`,
    envPath: `${layout.conf}/${planId}.env`,
    statusDir: layout.status,
    cron: parseCron(settings.cron).expression,
    onCalendar,
    scheduledAs: layout.scheduler === 'systemd' ? `${unitName(planId)}.timer` : line,
    verified: layout.scheduler === 'systemd' && layout.verify,
    alert: alert.info,
    installedAt: new Date().toISOString(),
  };
  store.setInstall(planId, install);
  return install;
}

/** Removes a plan's runner from its host (schedule, env file, status files). */
export async function uninstallRunner(
  deps: RunnerDeps,
  call: RunnerCall,
): Promise<{ planId: string; removed: boolean }> {
  const { runner, hostName } = await planContext(deps, call.planId);
  const res = await control(runner, 'uninstall', call.planId, call.signal ? { signal: call.signal } : {});
  if (res.code !== 0)
    throw new ConsoleError(
      'INTERNAL',
      `Removing the runner from ${hostName} failed: ${lastLine(res.stderr) || `exit ${res.code}`}`,
    );
  runnerStore(deps).setInstall(call.planId, null);
  return { planId: call.planId, removed: true };
}

/** What the host says about a plan's runner (files, schedule, status files); needs only the store and the runners. */
export async function readRunnerReport(
  deps: Pick<RunnerDeps, 'store' | 'runners'>,
  call: RunnerCall,
): Promise<HostRunnerReport> {
  const plan = deps.store.plans.get(call.planId);
  const host = await deps.store.hosts.get(plan.hostId);
  const runner = await deps.runners.runnerFor(host.id);
  const res = await control(runner, 'status', call.planId, call.signal ? { signal: call.signal } : {});
  if (res.code !== 0)
    throw new ConsoleError(
      'INTERNAL',
      `Reading the runner's status on ${host.name} failed: ${lastLine(res.stderr) || `exit ${res.code}`}`,
    );
  return parseStatusReport(res.stdout);
}

/** The runner's state as the host reports it; with `snapshots`, the last run is cross-checked against them. */
export async function runnerStatus(
  deps: Pick<RunnerDeps, 'store' | 'runners'>,
  call: RunnerCall & { snapshots?: readonly Snapshot[]; now?: number },
): Promise<RunnerStatus> {
  const plan = deps.store.plans.get(call.planId);
  const host = await deps.store.hosts.get(plan.hostId);
  const settings = runnerStore(deps).get(call.planId);
  const report = await readRunnerReport(deps, call);
  const judged = judgeRunner(report, {
    planId: plan.id,
    hostName: host.name,
    freshnessHours: plan.effectiveFreshnessHours,
    installed: settings.install !== null,
    now: call.now ?? Date.now(),
    ...(call.snapshots ? { snapshots: call.snapshots } : {}),
  });
  return {
    planId: plan.id,
    hostId: host.id,
    install: settings.install,
    onHost: report.onHost,
    last: report.last,
    lastUnreadable: report.lastUnreadable,
    copy: report.copy,
    words: judged.words,
    health: judged.health,
  };
}

export interface ForegroundRun {
  exitCode: number | null;
  /** The runner's last stderr line (its reason on failure). */
  message: string;
}

/**
 * Runs the installed runner in the foreground, exactly as its timer or
 * crontab entry would (`rfc-runner.sh run <env-file>`), or only its
 * offsite copy (`mode: 'copy'`). Resolves with its exit; throws when it
 * is not installed.
 */
export async function runInstalledRunner(
  deps: RunnerDeps,
  call: RunnerCall & { mode?: 'run' | 'copy'; onLine?: (line: string) => void },
): Promise<ForegroundRun> {
  const { runner, hostName } = await planContext(deps, call.planId);
  const res = await control(runner, call.mode ?? 'run', call.planId, {
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.onLine ? { onStderr: call.onLine } : {}),
  });
  if (res.code === 6 && res.stderr.includes('__rfc_not_installed__'))
    throw new ConsoleError(
      'NOT_FOUND',
      `The runner of this plan is not installed on ${hostName}: install it first.`,
    );
  return { exitCode: res.code, message: lastLine(res.stderr) };
}

export { DEFAULT_CRON as DEFAULT_RUNNER_CRON };
