/**
 * The demo fleet: with nothing configured the console opens on a sandbox
 * made for real — generated files, a real local restic repository and
 * several snapshots taken by real restic with changes between them, so
 * every screen (snapshot table, tree, diff) has something true to show.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ProcessRunner } from '../exec/process';
import { Restic } from '../restic/restic';
import { LOCAL_HOST_ID, type InventoryPort } from '../inventory/inventory';
import { secretNames, type SecretStore } from '../secrets/secret-store';

export const DEMO_REPO_ID = 'demo';

export interface DemoFleetOptions {
  dataDir: string;
  inventory: InventoryPort;
  secrets: SecretStore;
  runner: ProcessRunner;
  resticBinary: string;
  /** The hostname the demo snapshots are recorded under. */
  hostname?: string;
  now?: Date;
}

/** Deterministic incompressible bytes: real data for restic to store, the same on every run. */
function pseudoRandom(seed: string, size: number): Buffer {
  const chunks: Buffer[] = [];
  let block = createHash('sha256').update(seed).digest();
  for (let total = 0; total < size; total += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(chunks).subarray(0, size);
}

/** A file set that evolves between snapshots: step n adds, changes and removes files. */
async function writeGeneration(root: string, step: number): Promise<void> {
  const app = path.join(root, 'app-data');
  const db = path.join(root, 'db-dumps');
  await fs.mkdir(path.join(app, 'config'), { recursive: true });
  await fs.mkdir(path.join(app, 'uploads', '2026'), { recursive: true });
  await fs.mkdir(db, { recursive: true });

  await fs.writeFile(path.join(app, 'config', 'app.yaml'), `listen: 127.0.0.1:8080\nworkers: ${2 + step}\nlog_level: info\n`);
  await fs.writeFile(path.join(app, 'README.txt'), 'Demo application data for restic-fleet-console.\n');
  for (let i = 0; i < 8 + step * 3; i++) {
    // Stable content per invoice, so a step adds files instead of rewriting all of them.
    await fs.writeFile(path.join(app, 'uploads', '2026', `invoice-${String(i).padStart(4, '0')}.pdf`), pseudoRandom(`invoice-${i}`, 2048 + i * 512));
  }
  if (step >= 3) {
    // One corrected invoice, so the diff shows a modification too.
    await fs.writeFile(path.join(app, 'uploads', '2026', 'invoice-0001.pdf'), pseudoRandom('invoice-1-corrected', 3000));
  }
  await fs.writeFile(path.join(app, 'uploads', 'quarterly report "Q3" — 报告.csv'), `region,revenue\neast,${100 + step}\nwest,${90 + step}\n`);
  await fs.writeFile(path.join(db, `orders-${step}.csv`), Array.from({ length: 200 }, (_, i) => `${i},${i * step},ok`).join('\n'));
  await fs.writeFile(path.join(db, 'schema.sql'), `CREATE TABLE orders (id int, total int, status text); -- v${step}\n`);

  if (step >= 2) {
    await fs.rm(path.join(app, 'README.txt'), { force: true });
    await fs.rm(path.join(db, 'orders-0.csv'), { force: true });
    await fs.writeFile(path.join(app, 'config', 'feature-flags.json'), JSON.stringify({ newCheckout: step > 2 }, null, 2));
  }
}

function resticTime(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/** Creates the demo fleet if the inventory is empty. Idempotent: a finished demo is left alone. */
export async function ensureDemoFleet(options: DemoFleetOptions): Promise<boolean> {
  if (!(await options.inventory.isEmpty())) return false;

  const demoDir = path.join(options.dataDir, 'demo');
  const sourceDir = path.join(demoDir, 'source');
  const repoDir = path.join(demoDir, 'repository');
  // A half-made demo from an interrupted start is discarded and made again.
  await fs.rm(demoDir, { recursive: true, force: true });
  await fs.mkdir(sourceDir, { recursive: true });

  const password = randomBytes(24).toString('base64url');
  await options.secrets.set(secretNames.repoPassword(DEMO_REPO_ID), password);
  const restic = new Restic({
    runner: options.runner,
    binary: options.resticBinary,
    repository: repoDir,
    password,
    env: { RESTIC_CACHE_DIR: path.join(options.dataDir, 'restic-cache') },
  });
  await restic.init();

  const now = options.now ?? new Date();
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
  const host = options.hostname;
  const app = path.join(sourceDir, 'app-data');
  const db = path.join(sourceDir, 'db-dumps');
  const plan = [
    { step: 0, paths: [app], tags: ['plan:app', 'daily'], at: hoursAgo(74) },
    { step: 0, paths: [db], tags: ['plan:db', 'daily'], at: hoursAgo(73) },
    { step: 1, paths: [app], tags: ['plan:app', 'daily'], at: hoursAgo(50) },
    { step: 2, paths: [app], tags: ['plan:app', 'daily'], at: hoursAgo(26) },
    { step: 2, paths: [db], tags: ['plan:db', 'daily'], at: hoursAgo(25) },
    { step: 3, paths: [app], tags: ['plan:app', 'manual'], at: hoursAgo(2) },
  ];
  let written = -1;
  for (const item of plan) {
    if (item.step !== written) {
      await writeGeneration(sourceDir, item.step);
      written = item.step;
    }
    await restic.backup(item.paths, { tags: item.tags, time: resticTime(item.at), ...(host ? { host } : {}) });
  }

  // Writing the inventory last marks the demo as complete.
  await options.inventory.putRepo({
    id: DEMO_REPO_ID,
    name: 'Demo repository',
    location: repoDir,
    kind: 'local',
    hostId: LOCAL_HOST_ID,
    business: 'Demo business',
    demo: true,
    env: {},
  });
  return true;
}
