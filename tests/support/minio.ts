// The real MinIO server (and mc) for integration tests, on loopback only.
//
// Credentials are random per server and never printed: the secret key is a
// non-enumerable property, so a failing assertion that dumps the server
// object does not show it, and log excerpts are redacted.

import type { ChildProcess } from 'node:child_process';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { mcBinary, minioBinary } from './peers';
import { spawnTracked, stopProcessTree } from './procs';
import { freePort, makeTempDir, removeTempDir } from './tmp';

const HOST = '127.0.0.1';

export interface MinioServer {
  /** e.g. "http://127.0.0.1:34567" ("https://…" with tls). */
  readonly endpoint: string;
  /** With tls: the PEM of the private CA that signed the server's certificate. */
  readonly caPem: string | undefined;
  readonly port: number;
  readonly consolePort: number;
  readonly accessKey: string;
  /** Non-enumerable: not shown when the object is printed. */
  readonly secretKey: string;
  /** One dir per drive (4 for an erasure set): tests take drives "offline" by breaking them. */
  readonly dataDirs: string[];
  readonly logPath: string;
  isRunning(): boolean;
  /**
   * Starts again on the same port with the same drives. No-op when running.
   * waitFor 'live' resolves once the process answers, for a set that has
   * lost write quorum on purpose (default 'cluster': write quorum).
   */
  start(opts?: { waitFor?: 'live' | 'cluster' }): Promise<void>;
  /** Stops the server; data dirs stay until dispose() or process exit. */
  stop(): Promise<void>;
  /** Stops and removes the data dirs. Use in afterAll. */
  dispose(): Promise<void>;
  /** Log text with the credentials masked. */
  readLog(): string;
}

export interface MinioOptions {
  /** 1 (single drive) or 4 (one erasure set: parity 2, survives 2 offline drives). Default 1. */
  drives?: 1 | 4;
  /** Extra MINIO_* environment for the server. */
  env?: Record<string, string>;
  /** Overall start-up timeout. Default 60 s. */
  timeoutMs?: number;
  /** Serve HTTPS with a certificate for 127.0.0.1 signed by a private CA made for this server (caPem). */
  tls?: boolean;
}

/** A throwaway CA and a server certificate for 127.0.0.1 in MinIO's certs dir (public.crt, private.key). */
function makeCertificates(certsDir: string): string {
  mkdirSync(certsDir, { recursive: true });
  const f = (n: string) => join(certsDir, n);
  const ssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=rfc test CA',
  ]);
  ssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('private.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  ssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('public.crt'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  ]);
  return readFileSync(f('ca.crt'), 'utf8');
}

/** Environment without the caller's MinIO/mc/AWS settings, so nothing leaks in from the developer's shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(MINIO_|MC_|AWS_)/.test(k)) env[k] = v;
  }
  return env;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function httpStatus(url: string, caPem?: string): Promise<number> {
  if (caPem !== undefined) {
    return new Promise((resolve) => {
      const req = https.get(url, { ca: caPem, timeout: 2000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(0));
    });
  }
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

class MinioInstance implements MinioServer {
  port = 0;
  consolePort = 0;
  readonly accessKey: string;
  declare readonly secretKey: string;
  readonly logPath: string;
  private child: ChildProcess | undefined;
  private exitInfo: string | null = null;

  constructor(
    readonly dir: string,
    readonly dataDirs: string[],
    private readonly dataArg: string,
    private readonly extraEnv: Record<string, string>,
    private readonly timeoutMs: number,
  ) {
    this.accessKey = `rfc${randomBytes(6).toString('hex')}`;
    Object.defineProperty(this, 'secretKey', {
      value: randomBytes(20).toString('hex'),
      enumerable: false,
    });
    this.logPath = join(dir, 'minio.log');
  }

  caPem: string | undefined;

  get endpoint(): string {
    return `${this.caPem === undefined ? 'http' : 'https'}://${HOST}:${this.port}`;
  }

  isRunning(): boolean {
    return this.child !== undefined && this.exitInfo === null;
  }

  readLog(): string {
    let text = '';
    try {
      text = readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
    return text.split(this.secretKey).join('<secret>').split(this.accessKey).join('<access-key>');
  }

  private async launch(waitFor: 'live' | 'cluster' = 'cluster'): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      MINIO_ROOT_USER: this.accessKey,
      MINIO_ROOT_PASSWORD: this.secretKey,
      MINIO_BROWSER: 'off',
      MINIO_UPDATE: 'off',
      // The temp drives sit on the root disk, which MinIO otherwise refuses
      // for an erasure set outside CI.
      MINIO_CI_CD: 'on',
      ...this.extraEnv,
    };
    const args = [
      'server',
      '--quiet',
      '--address',
      `${HOST}:${this.port}`,
      '--console-address',
      `${HOST}:${this.consolePort}`,
      // Default is ~/.minio/certs; keep the user's home untouched.
      '--certs-dir',
      join(this.dir, 'certs'),
      this.dataArg,
    ];
    const logFd = openSync(this.logPath, 'a');
    this.exitInfo = null;
    let child: ChildProcess;
    try {
      child = spawnTracked(minioBinary().path, args, { env, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    this.child = child;
    child.once('exit', (code, sig) => {
      if (this.child === child) this.exitInfo = `minio exited (code ${code}, signal ${sig})`;
    });
    child.once('error', (err) => {
      if (this.child === child) this.exitInfo = `minio failed to start: ${err.message}`;
    });

    // Live first (process up), then cluster health (write quorum), so a
    // test can create buckets right away even on a 4-drive set.
    const deadline = Date.now() + this.timeoutMs;
    const paths =
      waitFor === 'live' ? ['/minio/health/live'] : ['/minio/health/live', '/minio/health/cluster'];
    for (const path of paths) {
      for (;;) {
        if (this.child === child && this.exitInfo !== null) {
          const tail = this.readLog().trimEnd().split('\n').slice(-20).join('\n');
          throw new Error(`${this.exitInfo}; log ${this.logPath}:\n${tail}`);
        }
        if ((await httpStatus(`${this.endpoint}${path}`, this.caPem)) === 200) break;
        if (Date.now() > deadline) {
          await stopProcessTree(child, 1000);
          throw new Error(`minio at ${this.endpoint} not healthy (${path}) within ${this.timeoutMs} ms`);
        }
        await sleep(200);
      }
    }
  }

  async startFresh(): Promise<void> {
    let lastErr: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort(HOST);
      this.consolePort = await freePort(HOST);
      try {
        await this.launch();
        return;
      } catch (err) {
        lastErr = err;
        if (!/address already in use/i.test(String(err))) break;
      }
    }
    throw lastErr;
  }

  async start(opts: { waitFor?: 'live' | 'cluster' } = {}): Promise<void> {
    if (!this.isRunning()) await this.launch(opts.waitFor);
  }

  async stop(): Promise<void> {
    if (this.child !== undefined) await stopProcessTree(this.child, 10_000);
    this.exitInfo ??= 'stopped';
  }

  async dispose(): Promise<void> {
    await this.stop();
    await removeTempDir(this.dir);
  }
}

/** Starts MinIO on 127.0.0.1 at a free port with temp drives; resolves once healthy. Pair with afterAll(() => minio.dispose()). */
export async function startMinio(opts: MinioOptions = {}): Promise<MinioServer> {
  const drives = opts.drives ?? 1;
  const dir = await makeTempDir('rfc-minio-');
  const dataDirs =
    drives === 1 ? [join(dir, 'data')] : Array.from({ length: drives }, (_, i) => join(dir, `data${i + 1}`));
  await Promise.all(dataDirs.map((d) => mkdir(d, { recursive: true })));
  // MinIO's own ellipsis syntax: "dir{1...4}" is one erasure set of 4 drives.
  const dataArg = drives === 1 ? (dataDirs[0] as string) : join(dir, `data{1...${drives}}`);
  const server = new MinioInstance(dir, dataDirs, dataArg, opts.env ?? {}, opts.timeoutMs ?? 60_000);
  if (opts.tls) server.caPem = makeCertificates(join(dir, 'certs'));
  try {
    await server.startFresh();
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}

// ------------------------------------------------------------------ mc ----

export interface McResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface McClient {
  /** Alias name to use in paths, e.g. `${alias}/bucket`. */
  readonly alias: string;
  /** Private MC_CONFIG_DIR (never the user's ~/.mc). */
  readonly configDir: string;
  /** Runs mc; rejects on a non-zero exit unless allowFailure. */
  mc(args: string[], opts?: { allowFailure?: boolean }): Promise<McResult>;
  /** Runs `mc --json …` and parses its JSON lines. */
  mcJson(args: string[]): Promise<Record<string, unknown>[]>;
}

function runMc(configDir: string, args: string[], redact: (s: string) => string): Promise<McResult> {
  return new Promise((resolve) => {
    execFile(
      mcBinary().path,
      ['--no-color', ...args],
      { env: { ...cleanEnv(), MC_CONFIG_DIR: configDir }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: redact(stdout), stderr: redact(stderr) });
      },
    );
  });
}

/** Sets up an mc alias for `minio` in a private config dir and returns a runner for it. */
export async function mcAlias(minio: MinioServer, alias = 'rfc'): Promise<McClient> {
  const configDir = await makeTempDir('rfc-mc-');
  // mc trusts the CAs in its config dir's certs/CAs.
  if (minio.caPem !== undefined) {
    mkdirSync(join(configDir, 'certs', 'CAs'), { recursive: true });
    writeFileSync(join(configDir, 'certs', 'CAs', 'rfc-ca.crt'), minio.caPem);
  }
  const redact = (s: string): string => s.split(minio.secretKey).join('<secret>');
  const mc = async (args: string[], opts: { allowFailure?: boolean } = {}): Promise<McResult> => {
    const r = await runMc(configDir, args, redact);
    if (r.code !== 0 && !opts.allowFailure) {
      // args may hold the secret (alias set): mask it in the message.
      throw new Error(`mc ${redact(args.join(' '))} exited ${r.code}: ${r.stderr || r.stdout}`);
    }
    return r;
  };
  await mc(['alias', 'set', alias, minio.endpoint, minio.accessKey, minio.secretKey, '--api', 's3v4']);
  const mcJson = async (args: string[]): Promise<Record<string, unknown>[]> => {
    const r = await mc(['--json', ...args]);
    return r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { alias, configDir, mc, mcJson };
}
