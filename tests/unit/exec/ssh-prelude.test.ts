// The SSH runner's remote side, run here through the same shells a host
// would use: sshd gives the command line to the login shell (`$SHELL -c`),
// which runs the prelude under sh. Checks argv arrives byte for byte, the
// environment comes from stdin only, and a cut-short preamble runs nothing.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  encodeEnv,
  remoteCommand,
  REMOTE_PRELUDE,
  sshFingerprintSha256,
} from '../../../electron/core/exec/ssh-runner';

const SHELLS = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => existsSync(s));

const HOSTILE_ARGS = [
  "it's",
  'quote"double',
  '$(touch /tmp/pwned)',
  '`id`',
  'new\nline',
  '-rf',
  '--help',
  '*',
  '报告-🙂',
  '',
  'a;b|c&d',
  '!bang',
];

function runAsLoginShell(shell: string, command: string, stdin: string) {
  const r = spawnSync(shell, ['-c', command], {
    input: stdin,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

describe.each(SHELLS)('remote prelude under %s', (shell) => {
  it('passes argv byte for byte and exports the environment from stdin', () => {
    const secret = `s3cr3t 'with' "quotes" $(x) =`;
    const cmd = remoteCommand(
      [
        '/bin/sh',
        '-c',
        'printf "%s\\0" "$@"; printf "%s\\0" "$RFC_SECRET" "$RFC_EMPTY" "$(pwd)"',
        'argv0',
        ...HOSTILE_ARGS,
      ],
      '/tmp',
    );
    expect(cmd).not.toContain(secret);
    const r = runAsLoginShell(shell, cmd, encodeEnv({ RFC_SECRET: secret, RFC_EMPTY: '' }));
    expect(r.code).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual([...HOSTILE_ARGS, secret, '', '/tmp']);
    // The pid line is the prelude's last word on stderr. (bash may print rc-file noise before it:
    // like under sshd, it sources ~/.bashrc when stdin is a socket — the runner passes such lines on.)
    expect(r.stderr).toMatch(/(^|\n)__RFC_PID__ \d+\n$/);
  });

  it('exec keeps the pid: the printed pid is the program', () => {
    const r = runAsLoginShell(shell, remoteCommand(['/bin/sh', '-c', 'echo $$']), encodeEnv({}));
    const printed = /__RFC_PID__ (\d+)/.exec(r.stderr)?.[1];
    expect(r.stdout.trim()).toBe(printed);
  });

  it('a missing program exits 127 with the marker', () => {
    const r = runAsLoginShell(shell, remoteCommand(['/nonexistent/restic', 'version']), encodeEnv({}));
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('__RFC_NOT_FOUND__');
  });

  it('runs nothing when stdin ends before the blank line', () => {
    const r = runAsLoginShell(shell, remoteCommand(['/bin/echo', 'ran']), 'RESTIC_PASSWORD=abc\n');
    expect(r.code).toBe(125);
    expect(r.stdout).toBe('');
  });

  it('refuses a bad variable name smuggled into stdin', () => {
    const r = runAsLoginShell(shell, remoteCommand(['/bin/echo', 'ran']), 'PATH;rm=1\n\n');
    expect(r.code).toBe(125);
    expect(r.stdout).toBe('');
  });

  it('fails cleanly on a missing working directory', () => {
    const r = runAsLoginShell(shell, remoteCommand(['/bin/echo', 'ran'], '/nonexistent/dir'), encodeEnv({}));
    expect(r.code).toBe(125);
    expect(r.stdout).toBe('');
  });
});

describe('ssh runner helpers', () => {
  it('the prelude is one line', () => {
    expect(REMOTE_PRELUDE).not.toContain('\n');
  });

  it('encodeEnv refuses what cannot travel as a line', () => {
    expect(encodeEnv({ A: '1', B_2: 'x=y' })).toBe('A=1\nB_2=x=y\n\n');
    expect(() => encodeEnv({ 'BAD NAME': 'x' })).toThrow(/not a valid environment variable name/);
    expect(() => encodeEnv({ PW: 'a\nb' })).toThrow(/line break/);
    // The message names the variable, never the value.
    expect(() => encodeEnv({ PW: 'secret\n' })).not.toThrow(/secret/);
  });

  it('remoteCommand refuses an option as the program', () => {
    expect(() => remoteCommand(['-x'])).toThrow();
    expect(() => remoteCommand([])).toThrow();
  });

  it('fingerprints match OpenSSH (unpadded base64 of SHA-256)', () => {
    expect(sshFingerprintSha256(Buffer.from('abc'))).toBe(
      'SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0',
    );
  });
});
