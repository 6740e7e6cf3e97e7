import { describe, expect, it } from 'vitest';
import {
  cleanLogLine,
  formatCommand,
  Redactor,
  redactingSecretStore,
  shellQuote,
} from '../../../electron/core/jobs/redact';
import { MemorySecretStore } from '../store/fixtures';

describe('Redactor', () => {
  it('masks every occurrence, longest secret first', () => {
    const r = new Redactor(['hunter2', 'hunter2-and-more']);
    expect(r.redact('a=hunter2-and-more b=hunter2 c=hunter2')).toBe('a=*** b=*** c=***');
  });

  it('masks URL-encoded and JSON-escaped spellings too', () => {
    const secret = 'p@ss w/"quote"\\';
    const r = new Redactor([secret]);
    expect(r.redact(`url: https://u:${encodeURIComponent(secret)}@host`)).toBe('url: https://u:***@host');
    expect(r.redact(JSON.stringify({ password: secret }))).toBe('{"password":"***"}');
  });

  it('ignores empty values and inherits from its parent', () => {
    const parent = new Redactor(['', 'global-secret']);
    const child = parent.child(['job-secret']);
    expect(child.redact('global-secret job-secret')).toBe('*** ***');
    expect(parent.redact('job-secret')).toBe('job-secret');
    parent.add('added-later');
    expect(child.redact('added-later')).toBe('***');
  });

  it('learns every secret read or written through a wrapped secret store', async () => {
    const r = new Redactor();
    const inner = new MemorySecretStore();
    await inner.set('a', 'value-read-later');
    const store = redactingSecretStore(inner, r);
    await store.set('b', 'value-written');
    expect(r.redact('value-read-later value-written')).toBe('value-read-later ***');
    await store.get('a');
    expect(r.redact('value-read-later value-written')).toBe('*** ***');
  });
});

describe('command lines', () => {
  it('quotes arguments for a POSIX shell', () => {
    expect(shellQuote('/srv/data')).toBe('/srv/data');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("O'Brien $(id)")).toBe(`'O'\\''Brien $(id)'`);
    expect(shellQuote('a\nb')).toBe("'a\nb'");
  });

  it('shows environment names with masked values and redacts argv', () => {
    const r = new Redactor(['s3cr3t-pass']);
    const line = formatCommand(
      {
        argv: [
          'restic',
          '-r',
          's3:http://127.0.0.1:9000/acme',
          'backup',
          '/srv/my files',
          '--password-hint=s3cr3t-pass',
        ],
        env: { AWS_DEFAULT_REGION: 'us-east-1' },
        secretEnv: { RESTIC_PASSWORD: 's3cr3t-pass', AWS_SECRET_ACCESS_KEY: 'aws-key-value' },
      },
      r,
    );
    expect(line).toBe(
      "AWS_DEFAULT_REGION=*** AWS_SECRET_ACCESS_KEY=*** RESTIC_PASSWORD=*** restic -r s3:http://127.0.0.1:9000/acme backup '/srv/my files' '--password-hint=***'",
    );
    expect(line).not.toContain('us-east-1');
    expect(line).not.toContain('aws-key-value');
  });
});

describe('cleanLogLine', () => {
  it('strips escapes and controls, masks, then caps', () => {
    const r = new Redactor(['topsecret']);
    expect(cleanLogLine('\u001b[31mred\u001b[0m top\u001b[1msecret\u0000!', r, 100)).toBe('red ***!');
    const long = `${'x'.repeat(95)}topsecret${'y'.repeat(50)}`;
    const capped = cleanLogLine(long, r, 100);
    expect(capped).not.toContain('topsec');
    expect(capped).toMatch(/^x{95}\*\*\*y{2}… \[48 more characters\]$/);
  });
});
