// Child processes started by test fixtures (sshd, minio, ...).
//
// Fixtures stop their processes in afterAll. This module is the safety net:
// it remembers every peer it spawned and kills it, together with the
// processes it forked, when the test process exits, so a crashed or
// interrupted test does not leave daemons bound to loopback ports.
// Processes are only ever killed by pid, and only ours and their children.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

// Vitest re-evaluates this module for every test file in the same worker
// process; keep one registry (and one set of exit handlers) per process.
const REGISTRY = Symbol.for('restic-fleet-console.tests.procs');
type Registry = { tracked: Set<ChildProcess> };
const globalSlot = globalThis as unknown as Record<symbol, Registry | undefined>;
const firstLoad = globalSlot[REGISTRY] === undefined;
const registry: Registry = (globalSlot[REGISTRY] ??= { tracked: new Set() });
const tracked = registry.tracked;

/** Spawns a process and tracks it for kill-on-exit. */
export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions): ChildProcess {
  const child = spawn(cmd, args, opts);
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  return child;
}

/** Reads the parent pid of every process from /proc (Linux). */
function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // Field 2 (comm) may contain spaces and parens; ppid follows the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  return children;
}

/** All descendants of `pid` (not including it), deepest last. */
export function descendants(pid: number): number[] {
  const map = parentMap();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const c of map.get(p) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/**
 * Stops a tracked process and everything it forked. sshd's per-connection
 * processes call setsid(), so a process-group kill would miss them; we
 * collect the tree first (children are re-parented once their parent dies).
 */
export async function stopProcessTree(child: ChildProcess, graceMs = 5000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const kids = descendants(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signal(pid, 'SIGTERM');
  for (const k of kids) signal(k, 'SIGKILL');
  const timer = setTimeout(() => signal(pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Kills the descendants of a tracked process, leaving the process itself. */
export function killDescendants(child: ChildProcess): number {
  if (child.pid === undefined) return 0;
  const kids = descendants(child.pid);
  for (const k of kids) signal(k, 'SIGKILL');
  return kids.length;
}

function killAllNow(): void {
  for (const child of tracked) {
    if (child.pid === undefined) continue;
    for (const k of descendants(child.pid)) signal(k, 'SIGKILL');
    signal(child.pid, 'SIGKILL');
  }
  tracked.clear();
}

if (firstLoad) {
  process.on('exit', killAllNow);

  // A signal would end the process without the 'exit' event. When nobody
  // else (e.g. the test runner) handles it, exit the conventional way
  // (128 + signal number) so every 'exit' handler runs: this one and the
  // temp-dir cleanup in tmp.ts.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    if (process.listenerCount(sig) > 0) continue;
    process.once(sig, () => process.exit(128 + (constants.signals[sig] ?? 0)));
  }
}
