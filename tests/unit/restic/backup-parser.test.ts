import { describe, expect, it } from 'vitest';
import { BackupOutputParser, type BackupEvent } from '../../../electron/core/restic/backup-parser';
import { parseJsonLines } from '../../../electron/core/restic/jsonl';
import { describeResticError } from '../../../electron/core/restic/messages';
import { fixtureVersions, recorded } from './support';

function parse(version: string, name: string): { parser: BackupOutputParser; events: BackupEvent[] } {
  const r = recorded(version, name);
  const parser = new BackupOutputParser();
  const events: BackupEvent[] = [];
  for (const ev of [...parseJsonLines(r.stdout), ...parseJsonLines(r.stderr)]) {
    const out = parser.feed(ev);
    if (out) events.push(out);
  }
  return { parser, events };
}

describe.each(fixtureVersions())('backup output of restic %s', (version) => {
  const modern = !version.startsWith('0.14.');

  it('progress lines become monotonic progress events, then one summary', () => {
    const { parser, events } = parse(version, 'backup-progress');
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e.progress] : []));
    expect(progress.length).toBeGreaterThan(1);
    for (const p of progress) {
      expect(p.percentDone).toBeGreaterThanOrEqual(0);
      expect(p.percentDone).toBeLessThanOrEqual(1);
      expect(Array.isArray(p.currentFiles)).toBe(true);
    }
    const done = progress.map((p) => p.bytesDone);
    expect([...done].sort((a, b) => a - b)).toEqual(done);
    expect(events.filter((e) => e.type === 'summary')).toHaveLength(1);
    const s = parser.summary!;
    expect(s.filesNew).toBe(1);
    expect(s.totalBytesProcessed).toBe(48 * 1024 * 1024);
    expect(s.dryRun).toBe(false);
    // Full id from 0.15; 0.14 prints 8 hex digits.
    expect(s.snapshotId).toMatch(modern ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{8}$/);
    if (modern) {
      expect(s.dataAddedPacked).toBeGreaterThan(0);
      expect(s.backupStart).toMatch(/^\d{4}-/);
    }
  });

  it('a quiet backup still ends with the summary', () => {
    const { parser, events } = parse(version, 'backup-2');
    expect(events.some((e) => e.type === 'progress')).toBe(false);
    expect(parser.summary?.filesChanged).toBeGreaterThanOrEqual(1);
  });

  it('verbose lines are not mistaken for progress (0.14 tags scan_finished as "status")', () => {
    const { events } = parse(version, 'backup-verbose');
    const verbose = events.filter((e) => e.type === 'verbose');
    expect(verbose.map((e) => (e.type === 'verbose' ? e.action : ''))).toContain('scan_finished');
    for (const e of events) if (e.type === 'progress') expect(e.progress.totalFiles).toBeGreaterThan(0);
  });

  it('per-file errors from stderr are collected, whichever shape restic used', () => {
    const { parser, events } = parse(version, 'backup-partial');
    expect(parser.errorCount).toBe(1);
    const err = parser.itemErrors[0]!;
    expect(err.during).toBe('archival');
    expect(err.item).toMatch(/^\/proc\/\d+\/mem$/);
    // 0.14: {"Op":"read","Path":…,"Err":5}; 0.19: {"message":"failed to save …: input/output error"}
    expect(err.message).toMatch(/read \/proc\/\d+\/mem: input\/output error/);
    expect(parser.summary).toBeDefined();
    if (modern)
      expect(parser.exitError).toEqual({
        code: 3,
        message: 'Warning: at least one source file could not be read',
      });
    // The stray warning line of 0.14 is text, not a problem.
    expect(events.some((e) => e.type === 'problem')).toBe(false);
  });

  it('stray text ("… does not exist, skipping") is kept as text', () => {
    const { events } = parse(version, 'backup-missing-source');
    expect(events).toContainEqual({
      type: 'text',
      text: expect.stringMatching(/no-such-path does not exist, skipping$/),
    });
  });

  it('a cancelled backup has progress but no summary', () => {
    const { parser } = parse(version, 'backup-cancelled');
    expect(parser.summary).toBeUndefined();
  });
});

describe('BackupOutputParser', () => {
  it('passes unknown message types through and reports broken lines', () => {
    const parser = new BackupOutputParser();
    const events = parseJsonLines(
      '{"message_type":"backup_start","x":1}\n{"message_type":"status","percent_done":"half"}\n{"message_type":"summ',
    ).map((e) => parser.feed(e));
    expect(events[0]).toEqual({
      type: 'unknown',
      messageType: 'backup_start',
      value: { message_type: 'backup_start', x: 1 },
    });
    // A known type whose shape changed is not dropped silently either.
    expect(events[1]).toMatchObject({ type: 'unknown', messageType: 'status' });
    expect(events[2]).toMatchObject({ type: 'problem', problem: 'truncated' });
  });

  it('bounds the errors it keeps but counts them all', () => {
    const parser = new BackupOutputParser({ maxErrors: 3 });
    for (let i = 0; i < 10; i++) {
      parser.feed({
        kind: 'json',
        value: { message_type: 'error', error: { message: `e${i}` }, during: 'scan', item: `/f${i}` },
      });
    }
    expect(parser.errorCount).toBe(10);
    expect(parser.itemErrors.map((e) => e.message)).toEqual(['e0', 'e1', 'e2']);
  });

  it('describes every error shape restic has used', () => {
    expect(describeResticError({ Op: 'open', Path: '/x', Err: 13 })).toBe('open /x: permission denied');
    expect(describeResticError({ Op: 'open', Path: '/x', Err: 999 })).toBe('open /x: errno 999');
    expect(describeResticError({ message: 'boom' })).toBe('boom');
    expect(describeResticError('plain')).toBe('plain');
    expect(describeResticError({})).toBe('unknown error');
    expect(describeResticError({ other: 1 })).toBe('{"other":1}');
  });
});
