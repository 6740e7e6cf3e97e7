/**
 * restic's version and what each version can do. Pure.
 *
 * The console drives every restic from Debian stable's 0.14 to the newest
 * release, so behaviour is gated on the version reported by the host's own
 * binary, never assumed. The feature table cites the release that added
 * each behaviour (see REFERENCE.md).
 */

/** Behaviours that differ between restic releases. */
export const FEATURES = {
  /** `init --json` prints {message_type: initialized, id, repository}; 0.14 prints text. */
  initJson: [0, 15, 0],
  /** backup's summary carries the full snapshot id (0.14: 8 hex digits). */
  fullSnapshotIdInSummary: [0, 15, 0],
  /** `restore --json` exists. */
  restoreJson: [0, 16, 0],
  /** `--retry-lock`. */
  retryLock: [0, 16, 0],
  /** RESTIC_CACERT. */
  cacertEnv: [0, 16, 0],
  /** `version --json`. */
  versionJson: [0, 17, 0],
  /** Exit codes 10 (no repository) and 11 (lock failed). */
  exitCodesRepoAndLock: [0, 17, 0],
  /** Snapshots carry a `summary` with backup counters. */
  snapshotSummary: [0, 17, 0],
  /** ls lines are typed by `message_type` (0.14: `struct_type` only). */
  lsMessageType: [0, 17, 0],
  /** SIGTERM is handled (locks removed); before, only SIGINT was. */
  sigterm: [0, 17, 0],
  /** restore --overwrite and skipped counters. */
  restoreOverwrite: [0, 17, 0],
  /** Exit code 12 (wrong password). */
  exitCodeWrongPassword: [0, 17, 1],
  /** backup's `error.error` is {message} (0.14: Go's error struct, e.g. {Op, Path, Err}). */
  errorMessageObject: [0, 17, 1],
  /** A failing command ends stderr with {message_type: exit_error, code, message}. */
  exitErrorJson: [0, 18, 0],
  /** backup summary has backup_start / backup_end. */
  backupStartEnd: [0, 18, 0],
  /** `check --json`. */
  checkJson: [0, 18, 0],
  /** `restore --delete`. */
  restoreDelete: [0, 18, 0],
  /** `tag --json`. */
  tagJson: [0, 18, 0],
} as const satisfies Record<string, readonly [number, number, number]>;

export type ResticFeature = keyof typeof FEATURES;

export interface ResticVersionInfo {
  major: number;
  minor: number;
  patch: number;
  /** The line or JSON restic printed, for display and logs. */
  raw: string;
  /** e.g. "-dev" for a development build. */
  suffix?: string;
  goVersion?: string;
  os?: string;
  arch?: string;
}

export class ResticVersion implements ResticVersionInfo {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly raw: string;
  readonly suffix?: string;
  readonly goVersion?: string;
  readonly os?: string;
  readonly arch?: string;

  constructor(info: ResticVersionInfo) {
    this.major = info.major;
    this.minor = info.minor;
    this.patch = info.patch;
    this.raw = info.raw;
    if (info.suffix) this.suffix = info.suffix;
    if (info.goVersion) this.goVersion = info.goVersion;
    if (info.os) this.os = info.os;
    if (info.arch) this.arch = info.arch;
  }

  /** "0.14.0" (with the suffix of a development build, if any). */
  get version(): string {
    return `${this.major}.${this.minor}.${this.patch}${this.suffix ?? ''}`;
  }

  atLeast(major: number, minor: number, patch = 0): boolean {
    return compareTriples([this.major, this.minor, this.patch], [major, minor, patch]) >= 0;
  }

  supports(feature: ResticFeature): boolean {
    const [major, minor, patch] = FEATURES[feature];
    return this.atLeast(major, minor, patch);
  }

  toString(): string {
    return this.version;
  }

  /** Plain data for the contract and logs (methods do not cross IPC). */
  toJSON(): ResticVersionInfo {
    const plain: ResticVersionInfo = {
      major: this.major,
      minor: this.minor,
      patch: this.patch,
      raw: this.raw,
    };
    if (this.suffix) plain.suffix = this.suffix;
    if (this.goVersion) plain.goVersion = this.goVersion;
    if (this.os) plain.os = this.os;
    if (this.arch) plain.arch = this.arch;
    return plain;
  }
}

function compareTriples(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

// "restic 0.14.0 compiled with go1.19.8 on linux/amd64"
// "restic 0.19.1-dev (compiled manually) compiled with go1.24 on linux/arm64"
const TEXT_RE = /restic\s+v?(\d+)\.(\d+)\.(\d+)(\S*)(?:.*?\bcompiled with\s+(\S+)\s+on\s+([^/\s]+)\/(\S+))?/;

/**
 * Parses what `restic version --json` printed: the JSON document from
 * 0.17 on, the text line before (0.14 ignores --json here). Returns
 * undefined when neither shape matches.
 */
export function parseVersionOutput(stdout: string): ResticVersion | undefined {
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      const doc = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof doc.version !== 'string') continue;
      const m = /^v?(\d+)\.(\d+)\.(\d+)(\S*)$/.exec(doc.version);
      if (!m) continue;
      return new ResticVersion({
        major: Number(m[1]),
        minor: Number(m[2]),
        patch: Number(m[3]),
        raw: trimmed,
        ...(m[4] ? { suffix: m[4] } : {}),
        ...(typeof doc.go_version === 'string' ? { goVersion: doc.go_version } : {}),
        ...(typeof doc.go_os === 'string' ? { os: doc.go_os } : {}),
        ...(typeof doc.go_arch === 'string' ? { arch: doc.go_arch } : {}),
      });
    } catch {
      // Not the JSON form; try the text form below.
    }
  }
  const m = TEXT_RE.exec(stdout);
  if (!m) return undefined;
  const rawLine =
    stdout
      .split('\n')
      .find((l) => TEXT_RE.test(l))
      ?.trim() ?? stdout.trim();
  return new ResticVersion({
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    raw: rawLine,
    ...(m[4] ? { suffix: m[4] } : {}),
    ...(m[5] ? { goVersion: m[5] } : {}),
    ...(m[6] ? { os: m[6] } : {}),
    ...(m[7] ? { arch: m[7] } : {}),
  });
}
