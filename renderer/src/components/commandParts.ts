/**
 * A command line the core showed, cut into what a narrow box may elide
 * first: the environment prefix (`RESTIC_REPOSITORY=… RESTIC_PASSWORD=***`),
 * then the program path, and last the arguments — the part that says what
 * the command does. The three parts concatenate back to the exact line.
 */
export interface CommandParts {
  env: string;
  program: string;
  args: string;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Splits at word boundaries outside single quotes (the core quotes POSIX-style). */
function wordStarts(line: string): number[] {
  const starts: number[] = [];
  let inQuote = false;
  let atWordStart = true;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (!inQuote && c === ' ') {
      atWordStart = true;
      continue;
    }
    if (atWordStart) {
      starts.push(i);
      atWordStart = false;
    }
    if (c === "'") inQuote = !inQuote;
  }
  return starts;
}

export function commandParts(line: string): CommandParts {
  const starts = wordStarts(line);
  let p = 0;
  while (p < starts.length && ASSIGNMENT.test(line.slice(starts[p]))) p++;
  if (p >= starts.length) return { env: '', program: '', args: line };
  const programStart = starts[p]!;
  const argsStart = starts[p + 1] ?? line.length;
  return {
    env: line.slice(0, programStart),
    program: line.slice(programStart, argsStart),
    args: line.slice(argsStart),
  };
}
