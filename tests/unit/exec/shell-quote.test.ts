import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellAssignment, shellJoin, shellQuote } from '../../../electron/core/exec/shell-quote';

const HOSTILE = [
  '',
  'plain',
  'with space',
  "it's",
  'quote"double',
  '$(touch /tmp/pwned)',
  '`id`',
  '$HOME',
  '${IFS}',
  'new\nline',
  'cr\rname',
  'tab\tname',
  '-rf',
  '--help',
  '*',
  '?[a-z]',
  '~',
  'a;b|c&d',
  '#comment',
  '!bang',
  '\\back\\slash',
  "''''",
  'unicode-报告-ü-🙂',
  '\u001b[31mred',
  'x'.repeat(5000),
];

describe('shellQuote', () => {
  it('leaves safe words alone and single-quotes the rest', () => {
    expect(shellQuote('restic')).toBe('restic');
    expect(shellQuote('/usr/bin/restic')).toBe('/usr/bin/restic');
    expect(shellQuote('--tag=plan:app')).toBe('--tag=plan:app');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('a b')).toBe("'a b'");
  });

  it('every argument reaches the program byte for byte through a real sh', () => {
    const script = `printf '%s\\0' ${HOSTILE.map(shellQuote).join(' ')}`;
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
  });

  it('shellJoin quotes a program word containing "=" so sh does not read an assignment', () => {
    expect(shellJoin(['A=b', 'x'])).toBe("'A=b' x");
    expect(shellJoin(['restic', 'ls', '--', "it's"])).toBe("restic ls -- 'it'\\''s'");
  });

  it('shellAssignment checks the variable name', () => {
    expect(shellAssignment('RESTIC_REPOSITORY', 's3:http://h/b c')).toBe(
      "RESTIC_REPOSITORY='s3:http://h/b c'",
    );
    expect(() => shellAssignment('BAD NAME', 'x')).toThrow();
    expect(() => shellAssignment('1X', 'x')).toThrow();
  });
});
