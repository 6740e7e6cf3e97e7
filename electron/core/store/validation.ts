/**
 * Input rules for everything the inventory stores, as zod schemas whose
 * failures explain themselves. A value that breaks a *naming* rule (a
 * leading "-", a control character, a name too long, a character a host
 * name may not hold) is reported as INVALID_NAME; any other malformed
 * input as BAD_REQUEST. Messages never echo the offending value: it may be
 * 4 KB long, or hostile, or a secret pasted in the wrong field.
 */
import net from 'node:net';
import { z } from 'zod';
import { ConsoleError, IdSchema, RepoKindSchema, type RepoKind } from '../../../shared';

/** Marks an issue as a naming problem (see `parseInput`). */
const NAME_ISSUE = { invalidName: true } as const;

/** C0, DEL and C1 controls, line/paragraph separators and the bidi overrides and isolates (spoofing). */
const CONTROL_OR_SPOOF = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

interface TextRules {
  /** What the value is, for messages: "a business name". */
  label: string;
  max: number;
  min?: number;
  /** Reject a leading "-" (could be read as a command-line option). Default true. */
  noLeadingDash?: boolean;
  /** Reject leading/trailing white space. Default true. */
  trimmed?: boolean;
}

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function checkText(value: string, rules: TextRules): string | null {
  const min = rules.min ?? 1;
  const length = codePoints(value);
  if (length < min)
    return min === 1 ? `${rules.label} cannot be empty` : `${rules.label} needs at least ${min} characters`;
  if (length > rules.max)
    return `${rules.label} can be at most ${rules.max} characters (this one has ${length})`;
  if (CONTROL_OR_SPOOF.test(value)) {
    return `${rules.label} cannot contain control characters (newlines, tabs, escapes) or text-direction overrides`;
  }
  if ((rules.noLeadingDash ?? true) && value.startsWith('-')) {
    return `${rules.label} cannot start with "-" (a command line would read it as an option)`;
  }
  if ((rules.trimmed ?? true) && value.trim() !== value)
    return `${rules.label} cannot start or end with spaces`;
  return null;
}

/** A free-text name shown in the UI (business, repository, plan). Quotes, `$(…)` and Unicode are fine: names are never handed to a shell unquoted. */
export function displayName(label: string, max = 128) {
  return z.string().superRefine((value, ctx) => {
    const problem = checkText(value, { label, max });
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
  });
}

/**
 * A host's inventory name. restic records it as the snapshot's hostname
 * (`--host`) and the runner uses it in file names on the host, so it keeps
 * to the characters of a DNS label: letters, digits, dot, dash, underscore.
 */
export const HOST_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const hostName = z.string().superRefine((value, ctx) => {
  const problem =
    checkText(value, { label: 'a host name', max: 63 }) ??
    (HOST_NAME_RE.test(value)
      ? null
      : 'a host name uses only letters, digits, ".", "-" and "_", and starts with a letter or digit (restic records it as the snapshot host)');
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** An SSH address: a DNS name or an IPv4/IPv6 address (brackets allowed around IPv6). */
export const hostAddress = z.string().superRefine((value, ctx) => {
  let problem = checkText(value, { label: 'an address', max: 253 });
  if (!problem) {
    const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
    const dns =
      /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
    if (net.isIP(bare) === 0 && !dns.test(value)) {
      problem = 'an address is a DNS name (letters, digits, "-" and ".") or an IPv4/IPv6 address';
    }
  }
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** A POSIX login name. */
export const userName = z.string().superRefine((value, ctx) => {
  const problem =
    checkText(value, { label: 'a user name', max: 32 }) ??
    (/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(value)
      ? null
      : 'a user name uses letters, digits, "_", "." and "-", and starts with a letter or "_"');
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** An absolute path on a host (backup source). Quotes and spaces are allowed — files are named that way — control characters are not. */
export const absolutePath = z.string().superRefine((value, ctx) => {
  let problem = checkText(value, { label: 'a path', max: 4096, trimmed: false });
  if (!problem && !value.startsWith('/')) problem = 'a path must be absolute (start with "/")';
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** The restic program on a host: a bare name looked up in PATH, or an absolute path. */
export const programPath = z.string().superRefine((value, ctx) => {
  let problem = checkText(value, { label: 'a program path', max: 1024 });
  if (!problem && !value.startsWith('/') && !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(value)) {
    problem = 'a program is a plain name found in PATH (like "restic") or an absolute path';
  }
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** A restic exclude pattern (`--exclude`). */
export const excludePattern = z.string().superRefine((value, ctx) => {
  const problem = checkText(value, { label: 'an exclude pattern', max: 4096, trimmed: false });
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** A restic tag: `--tag a,b` splits on commas, so no commas and no spaces. */
export const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:@/+=-]{0,127}$/;
export const tag = z.string().superRefine((value, ctx) => {
  const problem =
    checkText(value, { label: 'a tag', max: 128 }) ??
    (TAG_RE.test(value) ? null : 'a tag uses letters, digits and _ . : @ / + = -, with no commas or spaces');
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** A schedule: a systemd OnCalendar expression ("daily", "*-*-* 02:30:00", "Mon..Fri 22:00"). */
export const schedule = z.string().superRefine((value, ctx) => {
  const problem =
    checkText(value, { label: 'a schedule', max: 100 }) ??
    (/^[A-Za-z0-9*:/,. ~_+-]+$/.test(value)
      ? null
      : 'a schedule is a systemd calendar expression such as "daily" or "*-*-* 02:30:00"');
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

/** Free text such as an owner contact ("Jane Doe <jane@example.com>"). Empty allowed. */
export function freeText(label: string, max = 256) {
  return z.string().superRefine((value, ctx) => {
    if (value === '') return;
    const problem = checkText(value, { label, max, noLeadingDash: false });
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
  });
}

export const freshnessHours = z.number().int('hours are a whole number').min(1).max(8760);

/** Environment variable names whose values are secrets: those go to the secret store, never to a row. */
export const SECRET_ENV_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL|PASSPHRASE|^RESTIC_REPOSITORY/;

/** Non-secret environment for restic (e.g. AWS_DEFAULT_REGION, RESTIC_COMPRESSION). */
export const nonSecretEnv = z.record(z.string(), z.string()).superRefine((env, ctx) => {
  const names = Object.keys(env);
  if (names.length > 50) ctx.addIssue({ code: 'custom', message: 'at most 50 environment variables' });
  for (const name of names) {
    if (!/^[A-Z_][A-Z0-9_]{0,63}$/.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'environment variable names are upper-case letters, digits and "_"',
        params: NAME_ISSUE,
      });
    } else if (SECRET_ENV_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `${name} holds a secret or the repository itself; set it through the secret store or the repository location, not as plain environment`,
      });
    } else {
      const problem = checkText(env[name] ?? '', {
        label: 'an environment value',
        max: 1024,
        min: 0,
        noLeadingDash: false,
        trimmed: false,
      });
      if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  }
});

/** restic's repository kind from its location string. */
export function repoKindOf(location: string): RepoKind {
  if (location.startsWith('/')) return 'local';
  if (location.startsWith('sftp:')) return 'sftp';
  if (location.startsWith('s3:')) return 's3';
  if (location.startsWith('rest:')) return 'rest';
  return 'other';
}

/** A restic repository location without credentials: a local path, `sftp:`, `s3:`, `rest:`, or another backend. */
export const repoLocation = z.string().superRefine((value, ctx) => {
  let problem = checkText(value, { label: 'a repository location', max: 1024 });
  if (!problem && /:\/\/[^/@\s]*:[^/@\s]*@/.test(value)) {
    problem =
      'a repository location cannot carry a user name and password; put credentials in the secret store';
  }
  if (!problem && !value.startsWith('/') && !/^[a-z][a-z0-9]*:/.test(value)) {
    problem = 'a repository location is an absolute path or "<backend>:<address>" (sftp:, s3:, rest:, …)';
  }
  if (problem) ctx.addIssue({ code: 'custom', message: problem, params: NAME_ISSUE });
});

export { IdSchema, RepoKindSchema };

function describe(issues: z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : 'input'}: ${issue.message}`)
    .join('; ');
}

/**
 * Validates `input` against `schema`; failures become a ConsoleError:
 * INVALID_NAME when a naming rule was broken, BAD_REQUEST otherwise.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const naming = issues.some(
    (issue) =>
      issue.code === 'custom' && (issue as { params?: { invalidName?: boolean } }).params?.invalidName,
  );
  throw new ConsoleError(naming ? 'INVALID_NAME' : 'BAD_REQUEST', `${what}: ${describe(issues)}`, {
    issues: issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
  });
}
