/**
 * POSIX shell quoting. Pure.
 *
 * Used for the command lines shown in the UI and for remote commands run
 * through `sh -c` over SSH, where every argument must reach the program
 * byte for byte: quotes, `$(…)`, backticks, globs, newlines, leading `-`
 * and non-ASCII included. Single quotes make everything literal in POSIX
 * sh; a single quote itself is written as '\'' (close, escaped quote,
 * reopen).
 */

/** Characters that never need quoting anywhere in a word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(arg: string): string {
  if (arg.length > 0 && SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quotes an argv into one command line. The program word (argv[0]) is
 * quoted too when it contains `=`, which sh would read as an assignment.
 */
export function shellJoin(argv: readonly string[]): string {
  return argv
    .map((a, i) => (i === 0 && a.includes('=') ? `'${a.replace(/'/g, `'\\''`)}'` : shellQuote(a)))
    .join(' ');
}

/** `NAME=value` for a command line prefix; the name must be a valid variable name. */
export function shellAssignment(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`not a valid environment variable name: ${JSON.stringify(name)}`);
  return `${name}=${shellQuote(value)}`;
}
