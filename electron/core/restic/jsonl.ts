/**
 * Streaming JSON-lines parsing for restic's output. Pure: no process, no I/O.
 *
 * restic prints one JSON document per line on stdout (and, for backup
 * errors and 0.18's exit_error, on stderr), but the streams are not clean:
 * some versions mix in text lines ("reading repository password from
 * stdin", a `\x1b[2K`-prefixed "signal interrupt received"), a killed
 * process leaves a half-written last line, and chunks from a pipe or an
 * SSH channel split lines (and multi-byte UTF-8 characters) anywhere.
 * Nothing here throws on bad input: every line becomes a typed event and
 * the caller decides what a problem means for its command.
 */
import { StringDecoder } from 'node:string_decoder';

export type JsonLineEvent =
  /** A line that parsed as JSON. `value` is untyped: validate what you use (see messages.ts). */
  | { kind: 'json'; value: unknown }
  /** A line that does not look like JSON at all: stray text, kept for logs and error messages. */
  | { kind: 'text'; text: string }
  /** A line that starts like JSON (`{` or `[`) but does not parse: corrupt output. */
  | { kind: 'invalid'; text: string; error: string }
  /** The last line had no newline and does not parse: the writer died mid-line. */
  | { kind: 'truncated'; text: string; error: string }
  /** A line longer than the limit; its content was dropped to bound memory. */
  | { kind: 'oversize'; length: number };

export interface LineSplitterOptions {
  /**
   * Longest line kept, in UTF-16 code units. Longer lines are reported by
   * length and dropped. restic's longest lines are `snapshots --json`
   * (one array for the whole repository), so the default is generous.
   */
  maxLineLength?: number;
}

export type SplitLine = { line: string; terminated: boolean } | { oversize: number; terminated: boolean };

const DEFAULT_MAX_LINE = 256 * 1024 * 1024;

/**
 * Splits a byte or text stream into lines. Handles lines split across
 * chunks, UTF-8 characters split across chunks, and CRLF. Work is linear
 * in the input: each chunk is scanned once, however long the line.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private readonly maxLineLength: number;
  private pending: string[] = [];
  private pendingLength = 0;
  /** Length of the current line once it went over the limit (its content is no longer kept). */
  private overflow: number | null = null;

  constructor(options: LineSplitterOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE;
  }

  /** Feeds one chunk; returns the lines it completed. */
  push(chunk: Buffer | Uint8Array | string): SplitLine[] {
    const text =
      typeof chunk === 'string'
        ? chunk
        : this.decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    const out: SplitLine[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.append(text.slice(start, nl));
      out.push(this.take(true));
      start = nl + 1;
    }
    if (start < text.length) this.append(text.slice(start));
    return out;
  }

  /** Ends the stream; returns the unterminated last line, if any. */
  end(): SplitLine[] {
    const rest = this.decoder.end();
    if (rest) this.append(rest);
    if (this.pendingLength === 0 && this.overflow === null) return [];
    return [this.take(false)];
  }

  private append(piece: string): void {
    if (piece.length === 0) return;
    if (this.overflow !== null) {
      this.overflow += piece.length;
      return;
    }
    this.pending.push(piece);
    this.pendingLength += piece.length;
    if (this.pendingLength > this.maxLineLength) {
      this.overflow = this.pendingLength;
      this.pending = [];
      this.pendingLength = 0;
    }
  }

  private take(terminated: boolean): SplitLine {
    if (this.overflow !== null) {
      const length = this.overflow;
      this.overflow = null;
      return { oversize: length, terminated };
    }
    let line = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    // CRLF from Windows builds or a pty-ish transport: the CR belongs to the line break.
    if (line.endsWith('\r')) line = line.slice(0, -1);
    return { line, terminated };
  }
}

/** Classifies one complete line. Blank lines yield nothing. */
export function parseJsonLine(line: string, terminated = true): JsonLineEvent | null {
  const trimmed = line.trim();
  if (trimmed.length === 0) return null;
  const first = trimmed[0];
  if (first !== '{' && first !== '[') {
    // An unterminated text line is still just text: nothing was promised.
    return { kind: 'text', text: line };
  }
  try {
    return { kind: 'json', value: JSON.parse(trimmed) as unknown };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    return terminated ? { kind: 'invalid', text: line, error } : { kind: 'truncated', text: line, error };
  }
}

/** LineSplitter + parseJsonLine: feed chunks, get typed events. */
export class JsonLinesParser {
  private readonly splitter: LineSplitter;

  constructor(options: LineSplitterOptions = {}) {
    this.splitter = new LineSplitter(options);
  }

  push(chunk: Buffer | Uint8Array | string): JsonLineEvent[] {
    return toEvents(this.splitter.push(chunk));
  }

  end(): JsonLineEvent[] {
    return toEvents(this.splitter.end());
  }
}

function toEvents(lines: SplitLine[]): JsonLineEvent[] {
  const events: JsonLineEvent[] = [];
  for (const l of lines) {
    if ('oversize' in l) {
      events.push({ kind: 'oversize', length: l.oversize });
      continue;
    }
    const ev = parseJsonLine(l.line, l.terminated);
    if (ev) events.push(ev);
  }
  return events;
}

/** Parses a whole text at once (recorded fixtures, collected output). */
export function parseJsonLines(text: string | Buffer, options: LineSplitterOptions = {}): JsonLineEvent[] {
  const p = new JsonLinesParser(options);
  return [...p.push(text), ...p.end()];
}

/**
 * Parses output that must be ONE JSON document (`snapshots --json`, `cat
 * config --json`, which 0.14 pretty-prints over several lines), tolerating
 * stray text lines before or after it. Returns undefined when no document
 * can be found, so the caller can raise RESTIC_OUTPUT_INVALID with context.
 */
export function parseJsonDocument(text: string): { value: unknown } | undefined {
  const whole = text.trim();
  if (whole.length === 0) return undefined;
  try {
    return { value: JSON.parse(whole) as unknown };
  } catch {
    // Fall through: look for the document among stray lines.
  }
  const lines = text.split('\n');
  // Bounded: this is the error path, it must not go quadratic on a flood of garbage.
  let budget = 64;
  for (let i = 0; i < lines.length && budget > 0; i++) {
    const first = (lines[i] as string).trimStart()[0];
    if (first !== '{' && first !== '[') continue;
    // Longest candidate first: a multi-line document ends at the last closing line.
    for (let j = lines.length; j > i && budget > 0; j--) {
      const candidate = lines.slice(i, j).join('\n').trim();
      const last = candidate[candidate.length - 1];
      if (last !== '}' && last !== ']') continue;
      budget -= 1;
      try {
        return { value: JSON.parse(candidate) as unknown };
      } catch {
        // Try a shorter span.
      }
    }
  }
  return undefined;
}
