/**
 * Keeping secrets out of everything a job leaves behind. Every log line,
 * progress message, error message and command line of a job passes
 * through a `Redactor`: each known secret value (and its URL- and
 * JSON-escaped spellings) becomes `***`. Command lines show environment
 * variable *names* only, never their values.
 */
import type { SecretStore } from '../secrets/secret-store';
import { shellQuote } from '../exec/shell-quote';

export const MASK = '***';

export class Redactor {
  private readonly values = new Set<string>();
  private sorted: string[] | undefined;

  constructor(
    values: Iterable<string> = [],
    private readonly parent?: Redactor,
  ) {
    for (const value of values) this.add(value);
  }

  /** Registers a secret (and the escaped forms it may appear in). Empty strings are ignored. */
  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length === 0) return;
    const forms = new Set([value, value.trim()]);
    try {
      forms.add(encodeURIComponent(value));
    } catch {
      // Lone surrogates cannot be URI-encoded; the raw form is still covered.
    }
    forms.add(JSON.stringify(value).slice(1, -1));
    for (const form of forms) if (form.length > 0) this.values.add(form);
    this.sorted = undefined;
  }

  /** A redactor knowing this one's secrets plus its own (one per job). */
  child(values: Iterable<string> = []): Redactor {
    return new Redactor(values, this);
  }

  private all(): string[] {
    const own = (this.sorted ??= [...this.values].sort((a, b) => b.length - a.length));
    if (!this.parent) return own;
    return [...own, ...this.parent.all()].sort((a, b) => b.length - a.length);
  }

  /** `text` with every known secret replaced by `***` (longest first, so a secret containing another is masked whole). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.all()) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
    }
    return out;
  }

  get size(): number {
    return this.values.size + (this.parent?.size ?? 0);
  }
}

/**
 * Wraps a SecretStore so every secret read or written through it becomes
 * known to `redactor`: whatever the core hands to restic, it can mask.
 */
export function redactingSecretStore(inner: SecretStore, redactor: Redactor): SecretStore {
  return {
    async get(name) {
      const value = await inner.get(name);
      redactor.add(value);
      return value;
    },
    async set(name, value) {
      redactor.add(value);
      await inner.set(name, value);
    },
    has: (name) => inner.has(name),
    delete: (name) => inner.delete(name),
  };
}

/** One quoting rule for displayed and executed command lines. */
export { shellQuote };

export interface CommandSpec {
  argv: string[];
  /** Non-secret environment: shown as NAME=*** (values are never shown). */
  env?: Record<string, string>;
  /** Secret environment: shown as NAME=***. */
  secretEnv?: Record<string, string>;
}

/**
 * The command line equivalent to a spawn, for the user to read or copy:
 * `RESTIC_PASSWORD=*** restic -r /srv/repo snapshots --json`. Environment
 * values are always masked; argv is quoted and passed through `redactor`.
 */
export function formatCommand(spec: CommandSpec, redactor?: Redactor): string {
  const names = [...new Set([...Object.keys(spec.env ?? {}), ...Object.keys(spec.secretEnv ?? {})])]
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    .sort();
  const parts = [
    ...names.map((name) => `${name}=${MASK}`),
    ...spec.argv.map((arg) => shellQuote(redactor ? redactor.redact(arg) : arg)),
  ];
  return parts.join(' ');
}

// CSI/OSC escape sequences (colours, cursor moves, titles) and other controls except tab.
/* eslint-disable no-control-regex -- matching control characters is the point here */
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

/** One log line made safe to store and show: secrets masked first, then escapes stripped, then capped. */
export function cleanLogLine(line: string, redactor: Redactor, maxLength: number): string {
  // Redact before capping so a secret cut in half by the cap is still masked,
  // and again after stripping escapes in case one was spliced into a secret.
  const clean = redactor.redact(redactor.redact(line).replace(ANSI, '').replace(CONTROLS, ''));
  if (clean.length <= maxLength) return clean;
  return `${clean.slice(0, maxLength)}… [${clean.length - maxLength} more characters]`;
}
