/**
 * What an install writes on a host, generated here (pure) so it can be
 * tested without a host: the env file (every value single-quoted, so
 * sourcing it runs nothing), the systemd service and timer, the crontab
 * line. The control script only decodes and places them.
 */
import { ConsoleError } from '../../../shared';
import { shellQuote } from '../exec/shell-quote';
import { cronToOnCalendar, parseCron } from './cron';

/** Where the runner lives on a host, as the control script's `detect` reports it. */
export interface HostLayout {
  scope: 'system' | 'user';
  lib: string;
  conf: string;
  status: string;
  units: string;
  scheduler: 'systemd' | 'cron' | 'none';
  /** restic's absolute path on the host ('' when not found). */
  restic: string;
  /** The host's IANA time zone ('' when unknown). */
  tz: string;
  /** systemd-analyze is installed. */
  verify: boolean;
  notify: 'curl' | 'wget' | 'none';
}

export function parseLayout(text: string): HostLayout {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const need = (k: string): string => {
    const v = kv.get(k);
    if (v === undefined) throw new ConsoleError('INTERNAL', `the host's runner detection did not say "${k}"`);
    return v;
  };
  const scheduler = need('scheduler');
  const notify = kv.get('notify') ?? 'none';
  return {
    scope: need('scope') === 'system' ? 'system' : 'user',
    lib: need('lib'),
    conf: need('conf'),
    status: need('status'),
    units: need('units'),
    scheduler: scheduler === 'systemd' || scheduler === 'cron' ? scheduler : 'none',
    restic: kv.get('restic') ?? '',
    tz: kv.get('tz') ?? '',
    verify: kv.get('verify') === 'yes',
    notify: notify === 'curl' || notify === 'wget' ? notify : 'none',
  };
}

export interface EnvFileInput {
  planId: string;
  planName: string;
  business: string;
  /** The inventory name: restic's --host. */
  hostName: string;
  statusDir: string;
  restic: string;
  paths: string[];
  excludes: string[];
  tags: string[];
  preHooks: string[];
  postHooks: string[];
  hookTimeoutSeconds: number;
  repository: string;
  password: string;
  /** Exported to restic only: repository env and S3 keys. */
  resticEnv: Record<string, string>;
  offsite: { repository: string; password: string } | null;
  alert: { kind: string; url: string } | null;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names the runner itself uses: a repository env entry may not override them. */
const RESERVED =
  /^(RFC_|RESTIC_REPOSITORY$|RESTIC_PASSWORD$|RESTIC_FROM_|RESTIC_REPOSITORY2$|RESTIC_PASSWORD2$)/;

function assignment(name: string, value: string): string {
  if (value.includes('\0')) throw new ConsoleError('BAD_REQUEST', `${name} contains a NUL byte`);
  return `${name}=${shellQuote(value)}`;
}

function list(lines: string[], name: string, values: readonly string[]): void {
  lines.push(assignment(`${name}_COUNT`, String(values.length)));
  values.forEach((v, i) => lines.push(assignment(`${name}_${i + 1}`, v)));
}

/** The env file's text. Holds secrets: it only ever travels base64-encoded on the SSH channel's stdin. */
export function envFileText(input: EnvFileInput): string {
  const lines = [
    '# restic-fleet-console runner settings: written by the console, root-only (0600). Do not edit by hand.',
    assignment('RFC_PLAN_ID', input.planId),
    assignment('RFC_PLAN_NAME', input.planName),
    assignment('RFC_BUSINESS', input.business),
    assignment('RFC_HOST_NAME', input.hostName),
    assignment('RFC_STATUS_DIR', input.statusDir),
    assignment('RFC_RESTIC', input.restic),
    assignment('RFC_HOOK_TIMEOUT', String(input.hookTimeoutSeconds)),
  ];
  list(lines, 'RFC_PATH', input.paths);
  list(lines, 'RFC_EXCLUDE', input.excludes);
  list(lines, 'RFC_TAG', input.tags);
  list(lines, 'RFC_PRE_HOOK', input.preHooks);
  list(lines, 'RFC_POST_HOOK', input.postHooks);
  lines.push(
    assignment('RESTIC_REPOSITORY', input.repository),
    assignment('RESTIC_PASSWORD', input.password),
  );
  const env = Object.entries(input.resticEnv);
  for (const [name] of env) {
    if (!VAR_NAME.test(name) || RESERVED.test(name))
      throw new ConsoleError(
        'BAD_REQUEST',
        `The repository environment may not set ${JSON.stringify(name)}.`,
      );
  }
  lines.push(assignment('RFC_SECRET_ENV_COUNT', String(env.length)));
  env.forEach(([name, value], i) => {
    lines.push(
      assignment(`RFC_SECRET_ENV_NAME_${i + 1}`, name),
      assignment(`RFC_SECRET_ENV_VALUE_${i + 1}`, value),
    );
  });
  if (input.offsite)
    lines.push(
      assignment('RFC_OFFSITE_REPOSITORY', input.offsite.repository),
      assignment('RFC_OFFSITE_PASSWORD', input.offsite.password),
    );
  if (input.alert)
    lines.push(assignment('RFC_ALERT_KIND', input.alert.kind), assignment('RFC_ALERT_URL', input.alert.url));
  return `${lines.join('\n')}\n`;
}

/** A word for a systemd ExecStart line: quoted, with systemd's own specifiers ($, %, \) escaped. */
export function systemdWord(value: string): string {
  if (/[\0\n\r]/.test(value))
    throw new ConsoleError('BAD_REQUEST', 'a path with a line break cannot go in a unit');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export function unitName(planId: string): string {
  return `rfc-runner-${planId}`;
}

export function serviceUnit(layout: HostLayout, planId: string, planName: string): string {
  const script = `${layout.lib}/rfc-runner.sh`;
  const env = `${layout.conf}/${planId}.env`;
  const description = `restic-fleet-console backup runner: ${planName}`.replace(/[\n\r%]/g, ' ');
  return [
    '[Unit]',
    `Description=${description}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `ExecStart=/bin/sh ${systemdWord(script)} run ${systemdWord(env)}`,
    'Nice=10',
    'IOSchedulingClass=idle',
    '',
  ].join('\n');
}

export function timerUnit(planName: string, cron: string): string {
  const description = `restic-fleet-console backup schedule: ${planName}`.replace(/[\n\r%]/g, ' ');
  return [
    '[Unit]',
    `Description=${description}`,
    '',
    '[Timer]',
    ...cronToOnCalendar(cron).map((c) => `OnCalendar=${c}`),
    // A run missed while the host was off happens at the next boot.
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

/** The crontab line (without the marker comment the control script adds). `%` is special in cron commands. */
export function cronLine(layout: HostLayout, planId: string, cron: string): string {
  const { expression } = parseCron(cron);
  const command = [
    '/bin/sh',
    shellQuote(`${layout.lib}/rfc-runner.sh`),
    'run',
    shellQuote(`${layout.conf}/${planId}.env`),
    '>/dev/null 2>&1',
  ].join(' ');
  return `${expression} ${command.replace(/%/g, '\\%')}`;
}
