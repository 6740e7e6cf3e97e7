import { describe, expect, it } from 'vitest';
import {
  JsonLinesParser,
  LineSplitter,
  parseJsonDocument,
  parseJsonLines,
  type JsonLineEvent,
} from '../../../electron/core/restic/jsonl';
import { fixtureVersions, randomChunks, recorded } from './support';

function feedAll(chunks: Array<Buffer | string>, options = {}): JsonLineEvent[] {
  const p = new JsonLinesParser(options);
  const out: JsonLineEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

describe('LineSplitter', () => {
  it('joins lines split across chunks and strips CRLF', () => {
    const s = new LineSplitter();
    expect(s.push('ab')).toEqual([]);
    expect(s.push('c\r\nde')).toEqual([{ line: 'abc', terminated: true }]);
    expect(s.push('f\n\ng')).toEqual([
      { line: 'def', terminated: true },
      { line: '', terminated: true },
    ]);
    expect(s.end()).toEqual([{ line: 'g', terminated: false }]);
  });

  it('keeps a UTF-8 character split between chunks intact', () => {
    const bytes = Buffer.from('名前-🙂\n', 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const s = new LineSplitter();
      const lines = [...s.push(bytes.subarray(0, cut)), ...s.push(bytes.subarray(cut)), ...s.end()];
      expect(lines).toEqual([{ line: '名前-🙂', terminated: true }]);
    }
  });

  it('reports an over-long line by length and drops its content', () => {
    const s = new LineSplitter({ maxLineLength: 10 });
    const lines = [...s.push('0123456'), ...s.push('789abcdef\nok\n')];
    expect(lines).toEqual([
      { oversize: 16, terminated: true },
      { line: 'ok', terminated: true },
    ]);
  });

  it('is linear in a long line fed in tiny chunks', () => {
    const s = new LineSplitter();
    const big = 'x'.repeat(2_000_000);
    const t0 = Date.now();
    for (let i = 0; i < big.length; i += 16) s.push(big.slice(i, i + 16));
    const lines = s.push('\n');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(lines[0]).toEqual({ line: big, terminated: true });
  });
});

describe('JsonLinesParser', () => {
  it('types every line: json, stray text, invalid, truncated last line', () => {
    const text =
      'reading repository password from stdin\n' +
      '{"message_type":"status","percent_done":0.5}\n' +
      '{"message_type":"brand_new_type","x":1}\n' +
      '{"message_type":"status",broken}\n' +
      '   \n' +
      '{"message_type":"summary","files_new":1';
    const events = parseJsonLines(text);
    expect(events).toEqual([
      { kind: 'text', text: 'reading repository password from stdin' },
      { kind: 'json', value: { message_type: 'status', percent_done: 0.5 } },
      { kind: 'json', value: { message_type: 'brand_new_type', x: 1 } },
      expect.objectContaining({ kind: 'invalid', text: '{"message_type":"status",broken}' }),
      expect.objectContaining({ kind: 'truncated', text: '{"message_type":"summary","files_new":1' }),
    ]);
  });

  it('accepts a complete last line without a newline', () => {
    expect(parseJsonLines('{"a":1}\n{"b":2}')).toEqual([
      { kind: 'json', value: { a: 1 } },
      { kind: 'json', value: { b: 2 } },
    ]);
  });

  it('gives the same events for every chunking of real recorded output', () => {
    for (const version of fixtureVersions()) {
      for (const name of ['backup-progress', 'ls-hostile', 'ls-deep', 'diff']) {
        const { stdout } = recorded(version, name);
        const whole = feedAll([stdout]);
        expect(whole.every((e) => e.kind === 'json')).toBe(true);
        for (const seed of [1, 2, 3]) expect(feedAll(randomChunks(stdout, seed, 13))).toEqual(whole);
        // One byte at a time, the harshest split.
        expect(feedAll([...stdout].map((b) => Buffer.from([b])))).toEqual(whole);
      }
    }
  });

  it('round-trips hostile names and 8 KB names exactly', () => {
    const names = [
      'quote"double',
      "it's",
      '$(rm -rf /)',
      '`id`',
      'new\nline',
      'cr\rname',
      '-rf',
      '--option',
      'unicode-报告-ü-🙂',
      '\u001b[31mred',
      '\\back',
      'n'.repeat(8192),
      '字'.repeat(3000),
    ];
    const text =
      names.map((n) => JSON.stringify({ name: n, path: `/d/${n}`, struct_type: 'node' })).join('\r\n') +
      '\r\n';
    const events = feedAll(randomChunks(Buffer.from(text), 5, 31));
    expect(events.map((e) => (e.kind === 'json' ? (e.value as { name: string }).name : e.kind))).toEqual(
      names,
    );
  });
});

describe('parseJsonDocument', () => {
  it('parses a pretty-printed document (0.14 cat config)', () => {
    for (const version of fixtureVersions()) {
      const doc = parseJsonDocument(recorded(version, 'cat-config').stdout.toString());
      expect(doc?.value).toMatchObject({ version: 2, id: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
  });

  it('finds the document among stray text lines', () => {
    const text = 'reading repository password from stdin\n[{"id":"ab"}]\nsome trailing note\n';
    expect(parseJsonDocument(text)).toEqual({ value: [{ id: 'ab' }] });
    const pretty = 'note\n{\n  "version": 2,\n  "id": "x"\n}\n';
    expect(parseJsonDocument(pretty)).toEqual({ value: { version: 2, id: 'x' } });
  });

  it('returns undefined when there is no document', () => {
    expect(parseJsonDocument('')).toBeUndefined();
    expect(parseJsonDocument('Fatal: nope\n')).toBeUndefined();
    expect(parseJsonDocument('[{"id":"ab"')).toBeUndefined();
  });
});
