#!/usr/bin/env node
// Provisions the real peers the integration and e2e tests run against
// (see DESIGN.md "Test rig"): Debian's restic 0.14, openssh-server and
// chromium from apt, plus the newest restic, MinIO and mc built with Go into
// a per-user cache keyed by version. Writes <cache>/manifest.json, which
// tests/support/peers.ts reads, and prints the version of every peer.
//
// Plain Node ESM without dependencies: it runs before anything else in
// `npm test`, so it must not rely on the TypeScript toolchain.
//
// A peer that cannot be had fails the run with a message naming it and the
// command that installs it. Nothing is skipped silently.

import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const CACHE_DIR = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'restic-fleet-console',
  'peers',
);
const MANIFEST_PATH = join(CACHE_DIR, 'manifest.json');

/** Debian packages: binary path -> package. Absolute paths on purpose: sshd
 * must be started by absolute path, and we want Debian's restic even when
 * another restic is earlier on PATH. */
const DEBIAN_PEERS = {
  restic: { pkg: 'restic', path: '/usr/bin/restic' },
  sshd: { pkg: 'openssh-server', path: '/usr/sbin/sshd' },
  sshKeygen: { pkg: 'openssh-client', path: '/usr/bin/ssh-keygen' },
  chromium: { pkg: 'chromium', path: '/usr/bin/chromium' },
  // The runner's scheduler where systemd is not PID 1 (the test rig): its crontab entry is tested.
  crontab: { pkg: 'cron', path: '/usr/bin/crontab' },
  // Not a peer but needed by one: without a CJK font Chromium draws the
  // Simplified Chinese UI as empty boxes in the e2e screenshots.
  cjkFont: { pkg: 'fonts-wqy-microhei', path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', file: true },
};

/** Peers built with Go. `dir` is the cache folder name (keyed by version);
 * it matches the layout used by earlier provisioning so the cache hits. */
const GO_PEERS = {
  restic: {
    module: 'github.com/restic/restic',
    pkg: 'github.com/restic/restic/cmd/restic',
    version: 'v0.19.1',
    dir: 'restic-0.19.1',
    bin: 'restic',
  },
  minio: {
    // The RELEASE.* tags are not served by the module proxy; this
    // pseudo-version is the newest commit of minio/minio.
    module: 'github.com/minio/minio',
    pkg: 'github.com/minio/minio',
    version: 'v0.0.0-20260212201848-7aac2a2c5b7c',
    dir: 'minio-v0.0.0-20260212201848-7aac2a2c5b7c',
    bin: 'minio',
  },
  mc: {
    module: 'github.com/minio/mc',
    pkg: 'github.com/minio/mc',
    version: 'v0.0.0-20250313080218-cf909e1063a9',
    dir: 'mc-v0.0.0-20250313080218-cf909e1063a9',
    bin: 'mc',
  },
};

class ProvisionError extends Error {
  /**
   * @param {string} peer @param {string} reason one line
   * @param {string} install @param {string} [details] e.g. a log excerpt, printed after the message
   */
  constructor(peer, reason, install, details = '') {
    super(`${peer} could not be provisioned: ${reason}. Install it with: ${install}`);
    this.peer = peer;
    this.details = details;
  }
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = isRoot ? '' : 'sudo ';

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function which(name, extraDirs = []) {
  const dirs = [...(process.env.PATH || '').split(delimiter), ...extraDirs];
  for (const dir of dirs) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Runs a short command (a version query) and returns its combined output. */
function capture(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout ?? ''}\n${r.stderr ?? ''}` };
}

/** Runs a long command, appending its output to a log file. */
function runLogged(cmd, args, { env, cwd, logPath }) {
  return new Promise((resolve) => {
    const log = createWriteStream(logPath, { flags: 'a' });
    log.write(`\n$ ${cmd} ${args.join(' ')}${cwd ? `   (in ${cwd})` : ''}\n`);
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (err) => {
      log.end(`spawn error: ${err.message}\n`);
      resolve({ code: -1, stdout, stderr: err.message });
    });
    child.on('close', (code) => {
      log.end(`exit ${code}\n`, () => resolve({ code, stdout, stderr }));
    });
  });
}

/** The line of go's output that says what went wrong. */
function goError(text) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return [...lines].reverse().find((l) => l.startsWith('go: ')) ?? lines.at(-1) ?? 'no output';
}

function logTail(logPath, lines = 15) {
  try {
    return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------- apt ----

/** Installs every missing Debian package in one apt run (update once). */
function ensureDebianPackages(failures) {
  const present = (p) => (p.file ? existsSync(p.path) : isExecutable(p.path));
  const missing = Object.values(DEBIAN_PEERS).filter((p) => !present(p));
  const pkgs = [...new Set(missing.map((p) => p.pkg))];
  if (pkgs.length === 0) return;
  const install = `${sudo}apt-get install -y ${pkgs.join(' ')}`;
  if (!isRoot) {
    for (const p of missing) {
      failures.push(
        new ProvisionError(
          p.pkg,
          `${p.path} is missing and this is not root`,
          `${sudo}apt-get install -y ${p.pkg}`,
        ),
      );
    }
    return;
  }
  if (!which('apt-get')) {
    for (const p of missing) {
      failures.push(new ProvisionError(p.pkg, `${p.path} is missing and apt-get is not available`, install));
    }
    return;
  }
  console.log(`provision: installing Debian packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const inst =
    update.status === 0
      ? spawnSync('apt-get', ['install', '-y', ...pkgs], { stdio: 'inherit', env })
      : update;
  for (const p of missing) {
    if (!present(p)) {
      const why =
        inst.status === 0 ? `${p.path} still missing after apt-get install` : `apt-get exited ${inst.status}`;
      failures.push(new ProvisionError(p.pkg, why, `${sudo}apt-get install -y ${p.pkg}`));
    }
  }
}

// ----------------------------------------------------------- versions ----

function debianResticVersion(path) {
  const { out } = capture(path, ['version']);
  const m = /restic (\d+\.\d+\.\d+)/.exec(out);
  if (!m) throw new Error(`unexpected \`restic version\` output: ${out.trim()}`);
  return m[1];
}

function sshdVersion(path) {
  // `sshd -V` exists from OpenSSH 9.0; older ones print the version in their
  // usage text and exit 1, so read the text whatever the exit code.
  const { out } = capture(path, ['-V']);
  const m = /OpenSSH_([0-9][^,\s]*)/.exec(out);
  if (!m) throw new Error(`unexpected \`sshd -V\` output: ${out.trim()}`);
  return m[1];
}

function chromiumVersion(path) {
  const { out } = capture(path, ['--version']);
  const m = /Chromium (\d+(?:\.\d+)+)/.exec(out);
  if (!m) throw new Error(`unexpected \`chromium --version\` output: ${out.trim()}`);
  return m[1];
}

/** Reads the main module's version from the Go build info embedded in the
 * binary (what `go version -m` prints). `go install` from the module proxy
 * records the pseudo-version there, while `minio --version` and
 * `mc --version` only say "DEVELOPMENT.GOGET". */
function goModuleVersion(path, module) {
  const needle = Buffer.from(`\nmod\t${module}\t`);
  const buf = readFileSync(path);
  const at = buf.indexOf(needle);
  if (at < 0) return null;
  const start = at + needle.length;
  const end = buf.indexOf(0x09, start); // tab before the h1: sum
  const nl = buf.indexOf(0x0a, start);
  const stop = [end, nl].filter((i) => i >= 0).reduce((a, b) => Math.min(a, b), start + 200);
  return buf.subarray(start, stop).toString('utf8');
}

/** Returns {version, reported} for a Go-built peer, read from the binary. */
function goPeerVersion(name, spec, path) {
  if (name === 'restic') {
    // Built inside the module directory the build info says "(devel)";
    // restic's own version string is authoritative.
    const { out } = capture(path, ['version']);
    const m = /restic (\d+\.\d+\.\d+)/.exec(out);
    if (!m) throw new Error(`unexpected \`restic version\` output: ${out.trim()}`);
    return { version: m[1], reported: out.trim().split('\n')[0] };
  }
  const { code, out } = capture(path, ['--version']);
  if (code !== 0) throw new Error(`\`${spec.bin} --version\` exited ${code}: ${out.trim()}`);
  const version = goModuleVersion(path, spec.module);
  if (!version) throw new Error(`no Go build info for ${spec.module} in ${path}`);
  return { version, reported: out.trim().split('\n')[0] };
}

// ----------------------------------------------------------- go build ----

function findGo() {
  return which('go', ['/usr/local/go/bin', '/usr/lib/go/bin', join(homedir(), 'go', 'bin')]);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A lock directory per build, so two concurrent `npm test` runs never build
 * the same peer twice at once; a lock whose owner died is taken over. */
async function withLock(name, fn) {
  const lockDir = join(CACHE_DIR, '.locks', name);
  mkdirSync(dirname(lockDir), { recursive: true });
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      } catch {
        /* owner has not written its pid yet */
      }
      const young = Date.now() - safeMtime(lockDir) < 30_000;
      if (Number.isInteger(owner) ? !pidAlive(owner) : !young) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        console.log(`provision: waiting for another provisioning run (pid ${owner}) building ${name}`);
        announced = true;
      }
      await sleep(3000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function safeMtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function installHint(spec) {
  return `GOBIN=${join(CACHE_DIR, spec.dir)} CGO_ENABLED=0 go install ${spec.pkg}@${spec.version}`;
}

/** Builds one Go peer into a staging dir and renames it into place, so a
 * half-written binary is never mistaken for a cache hit. `go install` is
 * tried first; when the proxy refuses the version list (restic's
 * deprecation lookup answers 403 here) we download the module and build it
 * inside its directory instead. */
async function buildGoPeer(name, spec, go) {
  const finalDir = join(CACHE_DIR, spec.dir);
  const staging = join(CACHE_DIR, `.staging-${spec.dir}-${process.pid}`);
  const logDir = join(CACHE_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logPath = join(logDir, `${spec.dir}.log`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  console.log(`provision: building ${name} ${spec.version} with Go (several minutes; log: ${logPath})`);

  const env = { ...process.env, GOBIN: staging, CGO_ENABLED: '0' };
  const target = join(staging, spec.bin);
  let r = await runLogged(go, ['install', `${spec.pkg}@${spec.version}`], { env, logPath });
  if (r.code !== 0 || !isExecutable(target)) {
    const dl = await runLogged(go, ['mod', 'download', '-json', `${spec.module}@${spec.version}`], {
      env,
      logPath,
    });
    let info = {};
    try {
      info = JSON.parse(dl.stdout);
    } catch {
      /* reported below */
    }
    if (dl.code !== 0 || !info.Dir) {
      rmSync(staging, { recursive: true, force: true });
      throw new ProvisionError(
        name,
        `go install failed (${goError(r.stderr)}) and so did go mod download (${info.Error ?? goError(dl.stderr)}); log ${logPath}`,
        installHint(spec),
        logTail(logPath),
      );
    }
    const modDir = info.Dir;
    const sub = spec.pkg === spec.module ? '.' : `./${spec.pkg.slice(spec.module.length + 1)}`;
    const buildEnv = { ...env, GOFLAGS: `${process.env.GOFLAGS ?? ''} -mod=mod`.trim() };
    r = await runLogged(go, ['build', '-o', target, sub], { env: buildEnv, cwd: modDir, logPath });
    if (r.code !== 0 || !isExecutable(target)) {
      rmSync(staging, { recursive: true, force: true });
      throw new ProvisionError(
        name,
        `go build failed (${goError(r.stderr)}); log ${logPath}`,
        installHint(spec),
        logTail(logPath),
      );
    }
  }
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(staging, finalDir);
}

async function ensureGoPeer(name, spec) {
  const path = join(CACHE_DIR, spec.dir, spec.bin);
  const expected = spec.version.replace(/^v(?=\d+\.\d+\.\d+$)/, '');
  const check = () => {
    const v = goPeerVersion(name, spec, path);
    if (v.version !== expected) {
      throw new Error(`${path} reports version ${v.version}, expected ${expected}`);
    }
    return { ...v, path };
  };
  if (isExecutable(path)) {
    try {
      return check();
    } catch (err) {
      console.log(`provision: cached ${name} is unusable (${err.message}); rebuilding`);
    }
  }
  const go = findGo();
  if (!go) {
    throw new ProvisionError(
      name,
      'the Go toolchain (`go`) is not on PATH or in /usr/local/go/bin, and it is needed to build it',
      `${sudo}apt-get install -y golang-go (or Go from https://go.dev/dl/), then: ${installHint(spec)}`,
    );
  }
  await withLock(spec.dir, async () => {
    // Another run may have finished the build while we waited for the lock.
    if (isExecutable(path)) {
      try {
        check();
        return;
      } catch {
        /* rebuild */
      }
    }
    await buildGoPeer(name, spec, go);
  });
  try {
    return check();
  } catch (err) {
    throw new ProvisionError(name, err.message, installHint(spec));
  }
}

// --------------------------------------------------------------- main ----

async function main() {
  mkdirSync(CACHE_DIR, { recursive: true });
  const failures = [];
  ensureDebianPackages(failures);

  /** Wraps a version probe so one failing peer does not hide the others. */
  const probe = (peer, install, fn) => {
    try {
      return fn();
    } catch (err) {
      failures.push(err instanceof ProvisionError ? err : new ProvisionError(peer, err.message, install));
      return null;
    }
  };
  const deb = DEBIAN_PEERS;
  const have = (p) => isExecutable(p.path);
  const aptHint = (p) => `${sudo}apt-get install -y ${p.pkg}`;

  const resticDeb = have(deb.restic)
    ? probe('restic', aptHint(deb.restic), () => ({
        version: debianResticVersion(deb.restic.path),
        path: deb.restic.path,
      }))
    : null;
  const sshd = have(deb.sshd)
    ? probe('openssh-server', aptHint(deb.sshd), () => ({
        version: sshdVersion(deb.sshd.path),
        path: deb.sshd.path,
      }))
    : null;
  const chromium = have(deb.chromium)
    ? probe('chromium', aptHint(deb.chromium), () => ({
        version: chromiumVersion(deb.chromium.path),
        path: deb.chromium.path,
      }))
    : null;
  const sshKeygen = have(deb.sshKeygen) ? { path: deb.sshKeygen.path } : null;

  // Builds run one after another: the machines have few cores and a Go
  // build already uses all of them.
  const built = {};
  for (const [name, spec] of Object.entries(GO_PEERS)) {
    try {
      built[name] = await ensureGoPeer(name, spec);
    } catch (err) {
      failures.push(
        err instanceof ProvisionError ? err : new ProvisionError(name, err.message, installHint(spec)),
      );
    }
  }

  if (failures.length > 0) {
    // Details (log excerpts) first, so the one-line verdicts end the output.
    for (const f of failures) if (f.details) console.error(`--- ${f.peer}:\n${f.details}`);
    for (const f of failures) console.error(f.message);
    console.error(`provision: ${failures.length} peer(s) missing; the tests cannot run without them.`);
    process.exit(1);
  }

  const manifest = {
    generatedAt: new Date().toISOString(),
    cacheDir: CACHE_DIR,
    restic: [
      { version: resticDeb.version, path: resticDeb.path, source: 'debian' },
      { version: built.restic.version, path: built.restic.path, source: 'go' },
    ],
    minio: { version: built.minio.version, reported: built.minio.reported, path: built.minio.path },
    mc: { version: built.mc.version, reported: built.mc.reported, path: built.mc.path },
    sshd: sshd,
    chromium: chromium,
    sshKeygen: sshKeygen,
  };
  const tmp = `${MANIFEST_PATH}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, MANIFEST_PATH);

  for (const r of manifest.restic) console.log(`restic ${r.version} (${r.path})`);
  console.log(`minio ${manifest.minio.version} (${manifest.minio.path})`);
  console.log(`mc ${manifest.mc.version} (${manifest.mc.path})`);
  console.log(`sshd ${manifest.sshd.version} (${manifest.sshd.path})`);
  console.log(`chromium ${manifest.chromium.version} (${manifest.chromium.path})`);
  console.log(`ssh-keygen (${manifest.sshKeygen.path})`);
  console.log(`provision: manifest ${MANIFEST_PATH}`);
}

main().catch((err) => {
  console.error(`provision: ${err.stack || err.message}`);
  process.exit(1);
});
