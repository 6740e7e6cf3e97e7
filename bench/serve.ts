/**
 * The console as a user runs it: the built serve-mode process, with an
 * inventory seeded before start, called over its HTTP API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Inventory } from '../electron/core/inventory/inventory';
import { FileSecretStore } from '../electron/core/secrets/file-secret-store';
import { secretNames } from '../electron/core/secrets/secret-store';

export interface SeedRepo {
  id: string;
  location: string;
  password: string;
}

/** What bench/probe.cjs reports from inside the console process. */
export interface ProbeStats {
  at: number;
  resetAt: number;
  eventLoop: { p99: number; max: number; mean: number; samples: number };
  peakRssMiB: number | null;
  rssMiB: number;
  /** Date.now() in the console when a restic diff's first stdout bytes arrived. */
  firstDiffDataAt: number | null;
  /** CPU time so far of the console process and of its finished children (restic), ms. */
  cpu: { selfMs: number; childrenMs: number | null };
}

export interface StartOptions {
  /** Load bench/probe.cjs into the console (event-loop delay, peak RSS, first diff output). */
  probe?: boolean;
}

export class ConsoleUnderTest {
  private child: ChildProcess | undefined;
  private url: URL | undefined;
  private token = '';

  private constructor(
    readonly dataDir: string,
    readonly resticCacheDir: string,
  ) {}

  static async start(
    resticBinary: string,
    repos: SeedRepo[],
    options: StartOptions = {},
  ): Promise<ConsoleUnderTest> {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'rfc-bench-'));
    const inventory = new Inventory(path.join(dataDir, 'inventory.json'));
    const secrets = new FileSecretStore(path.join(dataDir, 'secrets'));
    for (const repo of repos) {
      await inventory.putRepo({
        id: repo.id,
        name: repo.id,
        location: repo.location,
        kind: 'local',
        hostId: 'local',
        demo: false,
        env: {},
      });
      await secrets.set(secretNames.repoPassword(repo.id), repo.password);
    }
    const self = new ConsoleUnderTest(dataDir, path.join(dataDir, 'restic-cache'));
    await self.spawn(resticBinary, options);
    return self;
  }

  private get probeFile(): string {
    return path.join(this.dataDir, 'probe.json');
  }

  private spawn(resticBinary: string, options: StartOptions): Promise<void> {
    const probeEnv = options.probe
      ? {
          NODE_OPTIONS:
            `${process.env.NODE_OPTIONS ?? ''} --require ${path.resolve(__dirname, 'probe.cjs')}`.trim(),
          RFC_BENCH_PROBE_OUT: this.probeFile,
        }
      : {};
    const child = spawn(
      process.execPath,
      ['dist-electron/serve.cjs', '--port', '0', '--data-dir', this.dataDir],
      {
        env: { ...process.env, RFC_RESTIC_BINARY: resticBinary, ...probeEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
        if (match) {
          this.url = new URL(match[1]!);
          this.token = this.url.searchParams.get('token') ?? '';
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${err.slice(-500)}`)));
    });
  }

  /** The address a browser opens (with the token). */
  get pageUrl(): string {
    return this.url!.toString();
  }

  /** Starts the probe's measures afresh (event-loop histogram, first diff output). */
  async probeReset(): Promise<void> {
    const asked = Date.now();
    this.child!.kill('SIGUSR2');
    while ((await this.probe(false)).resetAt < asked) await new Promise((r) => setTimeout(r, 20));
  }

  /** The probe's numbers, at most 100 ms old (fresh = wait for a write after this call). */
  async probe(fresh = true): Promise<ProbeStats> {
    const since = Date.now();
    for (;;) {
      try {
        const stats = JSON.parse(await fs.readFile(this.probeFile, 'utf8')) as ProbeStats;
        if (!fresh || stats.at > since) return stats;
      } catch {
        // Not written yet.
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  }

  async call(method: string, input: unknown, signal?: AbortSignal): Promise<unknown> {
    const response = await fetch(new URL(`/api/call/${method}`, this.url), {
      ...(signal ? { signal } : {}),
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const envelope = (await response.json()) as {
      ok: boolean;
      value?: unknown;
      error?: { code: string; message: string };
    };
    if (!envelope.ok) throw new Error(`${method}: ${envelope.error?.code}: ${envelope.error?.message}`);
    return envelope.value;
  }

  /** Peak resident memory of the console process so far, from /proc (Linux), in MiB. */
  async peakRssMiB(): Promise<number | undefined> {
    try {
      const status = await fs.readFile(`/proc/${this.child?.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }
}
