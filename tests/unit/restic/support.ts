// Recorded restic output (tests/fixtures/restic/<version>/, made by
// scripts/record-restic-fixtures.mjs from the real binaries) and a
// ProcessRunner that replays it, so the driver's parsing and error paths
// are tested against what restic really prints, in random chunk sizes.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  ProgramNotFoundError,
  type ProcessExit,
  type ProcessRunner,
  type ProcessSpec,
  type RunningProcess,
} from '../../../electron/core/exec/process';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'restic');

export interface FixtureCase {
  name: string;
  args: string[];
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  note?: string;
}

export interface Recorded {
  case: FixtureCase;
  stdout: Buffer;
  stderr: Buffer;
}

/** Versions with recorded fixtures, oldest first. */
export function fixtureVersions(): string[] {
  return readdirSync(FIXTURES)
    .filter((d) => /^\d+\.\d+\.\d+$/.test(d))
    .sort((a, b) => {
      const pa = a.split('.').map(Number);
      const pb = b.split('.').map(Number);
      return (pa[0]! - pb[0]!) * 1e6 + (pa[1]! - pb[1]!) * 1e3 + (pa[2]! - pb[2]!);
    });
}

export function fixtureIndex(version: string): FixtureCase[] {
  const doc = JSON.parse(readFileSync(join(FIXTURES, version, 'index.json'), 'utf8')) as {
    cases: FixtureCase[];
  };
  return doc.cases;
}

export function recorded(version: string, name: string): Recorded {
  const c = fixtureIndex(version).find((x) => x.name === name);
  if (!c) throw new Error(`no fixture ${version}/${name}`);
  return {
    case: c,
    stdout: readFileSync(join(FIXTURES, version, c.stdout)),
    stderr: readFileSync(join(FIXTURES, version, c.stderr)),
  };
}

/** Splits a buffer at random points (deterministic per seed), so lines and UTF-8 sequences get cut. */
export function randomChunks(buf: Buffer, seed = 1, maxChunk = 97): Buffer[] {
  let x = seed >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
  const out: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    const n = 1 + Math.floor(next() * maxChunk);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

export interface Reply {
  stdout?: Buffer | string;
  stderr?: Buffer | string;
  code?: number | null;
  signal?: string | null;
  /** Throw ENOENT-style like LocalRunner does for a missing program. */
  notFound?: boolean;
  /** Keep running until cancelled; then exit with this code (restic's 130 on SIGINT). */
  hangUntilCancelled?: { code: number | null; signal?: string | null; stderr?: string };
}

/**
 * A ProcessRunner that answers each start() with a recorded reply and
 * remembers the specs it was given (to assert argv/env/secretEnv).
 */
export class ReplayRunner implements ProcessRunner {
  readonly target: string;
  readonly calls: ProcessSpec[] = [];
  private readonly replies: Array<Reply | ((spec: ProcessSpec) => Reply)>;
  cancelled = 0;

  constructor(
    replies: Array<Reply | ((spec: ProcessSpec) => Reply)>,
    target = 'local',
    private readonly seed = 7,
  ) {
    this.replies = [...replies];
    this.target = target;
  }

  start(spec: ProcessSpec): RunningProcess {
    this.calls.push(spec);
    const next = this.replies.shift();
    if (!next) throw new Error(`ReplayRunner: unexpected call ${JSON.stringify(spec.argv)}`);
    const reply = typeof next === 'function' ? next(spec) : next;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let settle!: (e: ProcessExit) => void;
    let fail!: (err: Error) => void;
    const exit = new Promise<ProcessExit>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    exit.catch(() => undefined);
    let done = false;
    const finish = (e: ProcessExit): void => {
      if (done) return;
      done = true;
      stdout.end();
      stderr.end();
      // Like child_process 'close': after both streams ended.
      setImmediate(() => settle(e));
    };

    const cancel = async (): Promise<ProcessExit> => {
      this.cancelled += 1;
      if (reply.hangUntilCancelled && !done) {
        const h = reply.hangUntilCancelled;
        if (h.stderr) stderr.write(h.stderr);
        finish({ code: h.code, signal: h.signal ?? null });
      }
      return exit;
    };
    if (spec.signal) {
      if (spec.signal.aborted) void cancel();
      else spec.signal.addEventListener('abort', () => void cancel(), { once: true });
    }

    setImmediate(() => {
      if (reply.notFound) {
        stdout.end();
        stderr.end();
        fail(new ProgramNotFoundError(spec.argv[0] ?? ''));
        return;
      }
      const out = reply.stdout === undefined ? Buffer.alloc(0) : Buffer.from(reply.stdout);
      const err = reply.stderr === undefined ? Buffer.alloc(0) : Buffer.from(reply.stderr);
      // A consumer may cancel mid-stream (the write emits 'data' synchronously): stop writing then.
      for (const c of randomChunks(out, this.seed)) if (!done) stdout.write(c);
      for (const c of randomChunks(err, this.seed + 1)) if (!done) stderr.write(c);
      if (!reply.hangUntilCancelled) finish({ code: reply.code ?? 0, signal: reply.signal ?? null });
    });
    return { stdout, stderr, exit, cancel };
  }
}

/** A reply replaying one recorded case byte for byte. */
export function replay(version: string, name: string): Reply {
  const r = recorded(version, name);
  return { stdout: r.stdout, stderr: r.stderr, code: r.case.code, signal: r.case.signal };
}

/** The `restic version` reply for a fixture version (what Restic.version() asks first when it needs it). */
export function versionReply(version: string): Reply {
  return replay(version, 'version-json');
}
