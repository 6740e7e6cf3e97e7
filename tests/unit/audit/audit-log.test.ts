import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../electron/core/audit/audit-log';
import { Redactor } from '../../../electron/core/jobs/redact';
import { DB_FILE_NAME, openDatabase, type Db } from '../../../electron/core/store/db';
import { cleanupTempDirs } from '../../support/tmp';
import { consoleError, tempDataDir } from '../store/fixtures';

afterAll(cleanupTempDirs);

let db: Db;
let clock: number;
const T0 = Date.parse('2026-03-01T08:00:00.000Z');

beforeEach(async () => {
  db = openDatabase(path.join(await tempDataDir(), DB_FILE_NAME));
  clock = T0;
});
afterEach(() => db.close());

/** A strict RFC 4180 reader, to prove the export parses back to what went in. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '"' || c === '\r' || c === '\n') {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    } else {
      cell += c;
    }
  }
  if (cell !== '' || row.length) throw new Error('missing final CRLF');
  return rows;
}

describe('AuditLog', () => {
  it('records the OS user as the default actor', () => {
    const audit = new AuditLog(db, { now: () => clock });
    const entry = audit.record({
      action: 'hosts.add',
      target: 'web-1',
      result: 'succeeded',
      detail: { address: '127.0.0.2' },
    });
    expect(entry).toMatchObject({
      actor: os.userInfo().username,
      action: 'hosts.add',
      target: 'web-1',
      result: 'succeeded',
      at: '2026-03-01T08:00:00.000Z',
      detail: { address: '127.0.0.2' },
    });
    expect(
      audit.record({ actor: 'serve:token', action: 'repos.add', target: 'r', result: 'failed' }).actor,
    ).toBe('serve:token');
  });

  it('is append-only: UPDATE and DELETE are refused by the database itself', () => {
    const audit = new AuditLog(db);
    const entry = audit.record({ action: 'repos.forget', target: 'acme', result: 'succeeded' });
    expect(() => db.prepare(`UPDATE audit SET result = 'failed' WHERE id = ?`).run(entry.id)).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit WHERE id = ?').run(entry.id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    // REPLACE deletes without firing DELETE triggers; a trigger on INSERT closes that door.
    expect(() =>
      db
        .prepare(
          `INSERT OR REPLACE INTO audit (id, at, actor, action, target, result) VALUES (?, 0, 'x', 'y', 'z', 'failed')`,
        )
        .run(entry.id),
    ).toThrow(/append-only/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO audit (id, at, actor, action, target, result) VALUES (?, 0, 'x', 'y', 'z', 'failed') ON CONFLICT(id) DO UPDATE SET result = 'failed'`,
        )
        .run(entry.id),
    ).toThrow(/append-only/);
    expect(audit.get(entry.id)).toEqual(entry);
    expect(audit.list()).toHaveLength(1);
  });

  it('never records secrets: secret-named detail keys masked, known values redacted, controls neutralised', () => {
    const redactor = new Redactor(['the-repo-password-42']);
    const audit = new AuditLog(db, { redactor });
    const entry = audit.record({
      action: 'repos.setPassword',
      target: 'acme\nFAKE LINE',
      result: 'succeeded',
      detail: {
        password: 'whatever',
        nested: { awsSecretAccessKey: 'k', note: 'pw=the-repo-password-42' },
        list: ['the-repo-password-42'],
      },
    });
    expect(entry.target).toBe('acme\uFFFDFAKE LINE');
    expect(entry.detail).toEqual({
      password: '***',
      nested: { awsSecretAccessKey: '***', note: 'pw=***' },
      list: ['***'],
    });
    const raw = JSON.stringify(db.prepare('SELECT * FROM audit').all());
    expect(raw).not.toContain('the-repo-password-42');
    expect(raw).not.toContain('whatever');
  });

  it('filters by action, target, result, actor and time range, newest first, paged', async () => {
    const audit = new AuditLog(db, { now: () => clock, actor: 'alice' });
    const add = (action: string, target: string, result: 'succeeded' | 'failed', hours: number) => {
      clock = T0 + hours * 3600_000;
      return audit.record({ action, target, result }).id;
    };
    const a = add('hosts.add', 'web-1', 'succeeded', 0);
    const b = add('hosts.remove', 'web-1', 'failed', 1);
    const c = add('repos.add', 'acme-main', 'succeeded', 2);
    const d = add('hosts.add', 'db-1', 'succeeded', 3);
    expect(audit.list().map((e) => e.id)).toEqual([d, c, b, a]);
    expect(audit.list({ action: 'hosts.add' }).map((e) => e.id)).toEqual([d, a]);
    expect(audit.list({ target: 'web' }).map((e) => e.id)).toEqual([b, a]);
    expect(audit.list({ result: 'failed' }).map((e) => e.id)).toEqual([b]);
    expect(audit.list({ actor: 'bob' })).toEqual([]);
    expect(audit.list({ from: '2026-03-01T09:00:00Z', to: '2026-03-01T11:00:00Z' }).map((e) => e.id)).toEqual(
      [c, b],
    );
    expect(audit.list({ from: '2026-03-01T10:00:00+01:00' }).map((e) => e.id)).toEqual([d, c, b]);
    expect(audit.list({ before: c, limit: 1 }).map((e) => e.id)).toEqual([b]);
    expect((await consoleError(() => audit.list({ from: 'yesterday' }))).code).toBe('BAD_REQUEST');
    expect(
      (await consoleError(() => audit.record({ action: 'DROP TABLE', target: 'x', result: 'succeeded' })))
        .code,
    ).toBe('BAD_REQUEST');
  });

  it('exports CSV that parses back, with hostile cells quoted and defused', () => {
    const audit = new AuditLog(db, { now: () => clock, actor: 'ops' });
    const targets = [
      '=cmd|" /C calc"!A0',
      'acme, "quoted"',
      '-2+3',
      '@SUM(1)',
      '+31 6 1234',
      'multi\nline',
      '北京',
    ];
    for (const target of targets)
      audit.record({ action: 'test.csv', target, result: 'succeeded', detail: { n: 1 } });
    const csv = audit.exportCsv({ action: 'test.csv' });
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['id', 'time', 'actor', 'action', 'target', 'result', 'detail']);
    const exported = rows
      .slice(1)
      .map((r) => r[4])
      .reverse();
    expect(exported).toEqual([
      `'=cmd|" /C calc"!A0`,
      'acme, "quoted"',
      "'-2+3",
      "'@SUM(1)",
      "'+31 6 1234",
      'multi\uFFFDline',
      '北京',
    ]);
    expect(rows[1]![6]).toBe('{"n":1}');
    expect(rows.every((r) => r.length === 7)).toBe(true);
  });
});
