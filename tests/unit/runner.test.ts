// The runner's pure parts: cron preview and its OnCalendar conversion
// (cross-checked with systemd-analyze calendar where it is installed), the
// env file (sourced by a real sh: every value arrives byte for byte), the
// generated units (systemd-analyze verify where installed), the crontab
// line, the status parser and the verdicts, and the embedded scripts.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared';
import {
  cronLine,
  envFileText,
  serviceUnit,
  systemdWord,
  timerUnit,
  type EnvFileInput,
  type HostLayout,
} from '../../electron/core/runner/artifacts';
import { cronToOnCalendar, parseCron, previewSchedule } from '../../electron/core/runner/cron';
import { CONTROL_SCRIPT, RUNNER_SCRIPT } from '../../electron/core/runner/embedded-scripts';
import {
  judgeCopy,
  judgeRunner,
  matchingSnapshot,
  parseStatusReport,
} from '../../electron/core/runner/status';

const here = path.resolve(__dirname, '../../electron/core/runner');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('cron schedules', () => {
  const now = new Date('2026-11-21T10:00:00Z');

  it('describes a schedule in words (English and Chinese) with the next five runs', () => {
    const p = previewSchedule('30 2 * * *', { now, timeZone: 'UTC' });
    expect(p.description).toBe('At 02:30');
    expect(p.next).toEqual([
      '2026-11-22T02:30:00.000Z',
      '2026-11-23T02:30:00.000Z',
      '2026-11-24T02:30:00.000Z',
      '2026-11-25T02:30:00.000Z',
      '2026-11-26T02:30:00.000Z',
    ]);
    expect(p.onCalendar).toEqual(['*-*-* 02:30:00']);
    expect(previewSchedule('30 2 * * *', { now, timeZone: 'UTC', locale: 'zh-CN' }).description).toBe(
      '在02:30',
    );
  });

  it('follows the host time zone', () => {
    const p = previewSchedule('0 3 * * *', { now, timeZone: 'Asia/Shanghai', count: 1 });
    expect(p.next).toEqual(['2026-11-21T19:00:00.000Z']);
  });

  it('expands macros and names', () => {
    expect(parseCron('@daily').expression).toBe('0 0 * * *');
    expect(cronToOnCalendar('0 4 * JAN,jul mon-fri')).toEqual(['Mon,Tue,Wed,Thu,Fri *-01,07-* 04:00:00']);
    expect(cronToOnCalendar('*/15 */6 * * *')).toEqual(['*-*-* 00/6:00/15:00']);
    expect(cronToOnCalendar('0 0 * * 7')).toEqual(['Sun *-*-* 00:00:00']);
  });

  it('gives one OnCalendar line per alternative when day of month and day of week are both set (cron ORs them)', () => {
    expect(cronToOnCalendar('0 3 1,15 * SUN')).toEqual(['*-*-01,15 03:00:00', 'Sun *-*-* 03:00:00']);
  });

  it.each([
    ['', 'it is empty'],
    ['* * * *', 'it has 4 fields, not 5'],
    ['60 * * * *', 'minute 60 is outside 0–59'],
    ['0 24 * * *', 'hour 24 is outside 0–23'],
    ['0 0 0 * *', 'day of month 0 is outside 1–31'],
    ['0 0 * 13 *', 'month 13 is outside 1–12'],
    ['0 0 * * 8', 'day of week 8 is outside 0–7'],
    ['5-1 * * * *', 'runs backwards'],
    ['*/0 * * * *', 'a step must be at least 1'],
    ['0 0 * * * rm -rf /', 'it has 8 fields'],
    ['$(id) * * * *', 'is not understood'],
    ['0 0 31 2 *', 'not a schedule'],
  ])('refuses %j: %s', (expr, why) => {
    expect(() => previewSchedule(expr, { now })).toThrow(why);
    try {
      previewSchedule(expr, { now });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('BAD_REQUEST');
    }
  });

  it.runIf(hasSystemdAnalyze)(
    'OnCalendar fires at the same times as cron (systemd-analyze calendar against cron-parser)',
    () => {
      for (const expr of [
        '30 2 * * *',
        '*/20 * * * *',
        '0 */4 * * 1-5',
        '15 1 1,15 * *',
        '0 3 1 * SUN',
        '5 4 * 2,8 *',
        '0 22 * * 6,0',
      ]) {
        const start = new Date();
        const fromCron = previewSchedule(expr, { now: start, timeZone: 'UTC', count: 8 }).next;
        const fromSystemd: string[] = [];
        for (const line of cronToOnCalendar(expr)) {
          const out = execFileSync('systemd-analyze', ['calendar', '--iterations=8', `${line} UTC`], {
            encoding: 'utf8',
            env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
          });
          for (const m of out.matchAll(
            /(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g,
          ))
            fromSystemd.push(`${m[1]!.replace(' ', 'T')}.000Z`);
        }
        const merged = [...new Set(fromSystemd)].sort().slice(0, 8);
        expect(merged, `${expr} → ${cronToOnCalendar(expr).join(' | ')}`).toEqual(fromCron);
      }
    },
  );
});

const layout: HostLayout = {
  scope: 'system',
  lib: "/opt/it's $(x)/lib",
  conf: '/etc/rfc runner',
  status: '/var/lib/rfc-runner/status',
  units: '/etc/systemd/system',
  scheduler: 'cron',
  restic: '/usr/bin/restic',
  tz: 'UTC',
  verify: true,
  notify: 'curl',
};

const envInput: EnvFileInput = {
  planId: 'plan-1',
  planName: `orders "nightly" $(reboot)`,
  business: 'shop',
  hostName: 'db-1',
  statusDir: '/var/lib/rfc-runner/status',
  restic: '/usr/bin/restic',
  paths: [`/srv/it's $(touch x) \`y\``, '/srv/-dash', '/srv/line\\back'],
  excludes: ['*.tmp', "it's"],
  tags: ['nightly'],
  preHooks: [`pg_dump shop | gzip > '/var/backups/shop.sql.gz'`],
  postHooks: [],
  hookTimeoutSeconds: 600,
  repository: 's3:http://127.0.0.1:9000/shop',
  password: `p'a"s$s\\w\`o\`rd`,
  resticEnv: { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: "s3cr3t'$x" },
  offsite: { repository: 's3:http://127.0.0.1:9000/shop-off', password: 'off' },
  alert: { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc&x=1' },
};

describe('env file', () => {
  it('is read back by sh byte for byte, running nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rfc-env-'));
    try {
      const file = path.join(dir, 'plan.env');
      writeFileSync(file, envFileText(envInput));
      const names = [
        'RFC_PLAN_NAME',
        'RFC_PATH_1',
        'RFC_PATH_2',
        'RFC_PATH_3',
        'RFC_EXCLUDE_2',
        'RFC_PRE_HOOK_1',
        'RESTIC_PASSWORD',
        'RFC_SECRET_ENV_VALUE_2',
        'RFC_ALERT_URL',
      ];
      const script = `. "$1"; for n in ${names.join(' ')}; do eval "printf '%s\\0' \\"\\$$n\\""; done`;
      const out = execFileSync('sh', ['-c', script, 'sh', file], { cwd: dir }).toString('utf8').split('\0');
      expect(out.slice(0, names.length)).toEqual([
        envInput.planName,
        ...envInput.paths,
        "it's",
        envInput.preHooks[0],
        envInput.password,
        "s3cr3t'$x",
        envInput.alert!.url,
      ]);
      expect(() => readFileSync(path.join(dir, 'x'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a repository environment that would override the runner', () => {
    expect(() => envFileText({ ...envInput, resticEnv: { RESTIC_PASSWORD: 'x' } })).toThrow('may not set');
    expect(() => envFileText({ ...envInput, resticEnv: { 'A B': 'x' } })).toThrow('may not set');
  });
});

describe('schedule artifacts', () => {
  it('escapes systemd specifiers in ExecStart', () => {
    expect(systemdWord('/a b/%h/$HOME/"q"\\')).toBe('"/a b/%%h/$$HOME/\\"q\\"\\\\"');
  });

  it('writes a crontab line whose command is the quoted runner call, % escaped', () => {
    expect(cronLine({ ...layout, conf: '/etc/100%' }, 'plan-1', '@daily')).toBe(
      `0 0 * * * /bin/sh '/opt/it'\\''s $(x)/lib/rfc-runner.sh' run /etc/100\\%/plan-1.env >/dev/null 2>&1`,
    );
  });

  it('writes a timer with one OnCalendar per alternative', () => {
    const timer = timerUnit('orders', '0 3 1 * SUN');
    expect(timer).toContain('OnCalendar=*-*-01 03:00:00\nOnCalendar=Sun *-*-* 03:00:00\nPersistent=true');
  });

  it.runIf(hasSystemdAnalyze)('units pass systemd-analyze verify', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rfc-units-'));
    try {
      const lib = path.join(dir, "lib it's");
      const conf = path.join(dir, 'conf');
      execFileSync('mkdir', ['-p', lib, conf]);
      writeFileSync(path.join(lib, 'rfc-runner.sh'), RUNNER_SCRIPT, { mode: 0o755 });
      writeFileSync(path.join(conf, 'plan-1.env'), '', { mode: 0o600 });
      const l = { ...layout, lib, conf, units: dir };
      writeFileSync(path.join(dir, 'rfc-runner-plan-1.service'), serviceUnit(l, 'plan-1', 'orders %n'));
      writeFileSync(path.join(dir, 'rfc-runner-plan-1.timer'), timerUnit('orders', '*/30 2-4 * * 1-5'));
      const res = spawnSync(
        'systemd-analyze',
        ['verify', path.join(dir, 'rfc-runner-plan-1.service'), path.join(dir, 'rfc-runner-plan-1.timer')],
        { encoding: 'utf8' },
      );
      // Only complaints about our own units count (the rig's other units may be incomplete).
      const ours = `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => l.includes('rfc-runner-plan-1'));
      expect(ours).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const okStatus = {
  format: 1,
  runner: 1,
  plan: 'plan-1',
  host: 'db-1',
  business: 'shop',
  mode: 'run',
  state: 'ok',
  start: '2026-11-21T02:30:00Z',
  end: '2026-11-21T02:31:00Z',
  exitCode: 0,
  resticVersion: '0.19.1',
  errorCount: 0,
  reason: '',
  summary: { message_type: 'summary', snapshot_id: 'abcdef0123456789', files_new: 3 },
  hookFailures: [],
  alert: null,
};

function report(
  status: unknown,
  copy?: unknown,
  head = 'script=yes\nenv=yes\nenvMode=-rw-------\nscheduled=cron\n',
) {
  return parseStatusReport(
    `${head}now=2026-11-21T03:00:00Z\n__rfc_status__\n${status === undefined ? '' : JSON.stringify(status)}\n__rfc_copy__\n${copy === undefined ? '' : JSON.stringify(copy)}\n`,
  );
}

const snap = (over: Partial<Snapshot>): Snapshot => ({
  id: 'abcdef0123456789aaaa',
  shortId: 'abcdef01',
  time: '2026-11-21T02:30:05Z',
  hostname: 'db-1',
  paths: ['/srv'],
  tags: ['plan:plan-1'],
  ...over,
});

describe('status files', () => {
  const now = Date.parse('2026-11-21T03:00:00Z');
  const opts = { planId: 'plan-1', hostName: 'db-1', freshnessHours: 26, installed: true, now };

  it('parses what the host reports', () => {
    const r = report(okStatus, {
      format: 1,
      plan: 'plan-1',
      host: 'db-1',
      state: 'ok',
      start: 'a',
      end: 'b',
      exitCode: 0,
      reason: '',
    });
    expect(r.onHost).toEqual({
      script: true,
      envFile: true,
      envMode: '-rw-------',
      scheduled: 'cron',
      runningPid: null,
      hostNow: '2026-11-21T03:00:00Z',
    });
    expect(r.last?.summary?.snapshot_id).toBe('abcdef0123456789');
    expect(r.copy?.state).toBe('ok');
    expect(report(undefined).last).toBeNull();
  });

  it('says when a status file is cut short or foreign', () => {
    const cut = parseStatusReport(
      'script=yes\nenv=yes\nscheduled=cron\n__rfc_status__\n{"format":1,"pl\n__rfc_copy__\n',
    );
    expect(cut.lastUnreadable).toBe('the status file is not valid JSON (cut short?)');
    expect(judgeRunner(cut, opts)).toMatchObject({
      health: 'failing',
      words: 'the status file is not valid JSON (cut short?)',
    });
    expect(report({ hello: 1 }).lastUnreadable).toBe(
      'the status file is not in the format this console reads',
    );
  });

  it('is ok when the snapshot it names is in the repository', () => {
    expect(judgeRunner(report(okStatus), { ...opts, snapshots: [snap({})] })).toMatchObject({
      health: 'ok',
      words: 'last run 29 min ago ok, snapshot in the repository',
    });
  });

  it('is failing when it says ok but the repository has no such snapshot', () => {
    const j = judgeRunner(report(okStatus), { ...opts, snapshots: [snap({ id: 'ffff', shortId: 'ffff' })] });
    expect(j.health).toBe('failing');
    expect(j.words).toBe(
      'the runner reports a successful run 29 min ago (snapshot abcdef01) but the repository has no such snapshot (tag plan:plan-1, host db-1)',
    );
    // Matching by tag, host and time when the summary has no id (older restic or a cut line).
    const noId = { ...okStatus, summary: null };
    expect(matchingSnapshot(report(noId).last!, 'plan-1', 'db-1', [snap({})])).toBeDefined();
    expect(
      matchingSnapshot(report(noId).last!, 'plan-1', 'db-1', [snap({ hostname: 'other' })]),
    ).toBeUndefined();
    expect(
      matchingSnapshot(report(noId).last!, 'plan-1', 'db-1', [snap({ time: '2026-11-20T02:30:05Z' })]),
    ).toBeUndefined();
    expect(matchingSnapshot(report(noId).last!, 'plan-1', 'db-1', [snap({ tags: [] })])).toBeUndefined();
  });

  it('gives a failed run with its reason, a stale one as a warning, a cut-off run as failing', () => {
    const failed = {
      ...okStatus,
      state: 'failed',
      exitCode: 1,
      summary: null,
      reason: 'pre hook 1 exited 3: pg_dump: connection refused',
      hookFailures: [
        { phase: 'pre', index: 1, exitCode: 3, command: 'pg_dump', output: 'connection refused' },
      ],
    };
    expect(judgeRunner(report(failed), opts).words).toBe(
      'last run 29 min ago failed: pre hook 1 exited 3: pg_dump: connection refused',
    );
    const stale = judgeRunner(report(okStatus), { ...opts, now: now + 3 * 86_400_000 });
    expect(stale).toMatchObject({ health: 'warning' });
    expect(stale.words).toContain('older than the 26 h target');
    expect(judgeRunner(report({ ...okStatus, state: 'running' }), opts)).toMatchObject({ health: 'failing' });
    expect(
      judgeRunner(
        report(
          { ...okStatus, state: 'running' },
          undefined,
          'script=yes\nenv=yes\nscheduled=cron\nrunningPid=42\n',
        ),
        opts,
      ),
    ).toMatchObject({ health: 'ok', words: 'running since 30 min ago' });
  });

  it('notices a missing schedule, missing files and a readable env file', () => {
    expect(
      judgeRunner(report(okStatus, undefined, 'script=yes\nenv=yes\nscheduled=none\n'), opts).health,
    ).toBe('failing');
    expect(
      judgeRunner(report(okStatus, undefined, 'script=no\nenv=yes\nscheduled=cron\n'), opts).words,
    ).toContain('script missing');
    expect(
      judgeRunner(
        report(okStatus, undefined, 'script=yes\nenv=yes\nenvMode=-rw-r--r--\nscheduled=cron\n'),
        opts,
      ),
    ).toMatchObject({ health: 'warning' });
    expect(
      judgeRunner(report(undefined, undefined, 'script=no\nenv=no\nscheduled=none\n'), {
        ...opts,
        installed: false,
      }).health,
    ).toBe('unknown');
  });

  it('judges the offsite copy', () => {
    expect(judgeCopy(null, 26, now)).toMatchObject({ health: 'warning', words: 'no offsite copy yet' });
    const copy = {
      format: 1 as const,
      plan: 'p',
      host: 'h',
      state: 'failed' as const,
      start: okStatus.start,
      end: okStatus.end,
      exitCode: 1,
      reason: 'Fatal: unable to open repository',
    };
    expect(judgeCopy(copy, 26, now).words).toBe(
      'offsite copy 29 min ago failed: Fatal: unable to open repository',
    );
    expect(judgeCopy({ ...copy, state: 'ok', reason: '' }, 26, now)).toMatchObject({
      health: 'ok',
      words: 'last offsite copy 29 min ago',
    });
  });
});

describe('embedded scripts', () => {
  it('are the .sh files as they are (run embed-scripts.mjs after editing them)', () => {
    expect(RUNNER_SCRIPT).toBe(readFileSync(path.join(here, 'rfc-runner.sh'), 'utf8'));
    expect(CONTROL_SCRIPT).toBe(readFileSync(path.join(here, 'rfc-control.sh'), 'utf8'));
  });

  it('parse as POSIX sh (dash -n)', () => {
    for (const s of [RUNNER_SCRIPT, CONTROL_SCRIPT]) {
      const res = spawnSync('sh', ['-n'], { input: s, encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
    }
  });
});
