// 30 inventory hosts behind ONE sshd with OpenSSH's default MaxStartups
// (10:30:100: past 10 unauthenticated connections sshd starts dropping new
// ones): the daily check reaches all 30 and sshd's log shows no dropped
// connection. A test of the fan-out's manners, not a timing.

import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DailyCheckItem, Envelope, JobRecord } from '../../shared';
import { createCore } from '../../electron/core/app';
import type { Core } from '../../electron/core/core';
import { DailyCheckService } from '../../electron/core/fleet/daily-check';
import { JobManager } from '../../electron/core/jobs/job-manager';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { RepositoryService } from '../../electron/core/services/repositories';
import { FleetRunners } from '../../electron/core/ssh/fleet-runners';
import { StoreInventory } from '../../electron/core/store/inventory-adapter';
import { openStore } from '../../electron/core/store/store';
import { resticBinaries } from '../support/peers';
import { startSshHosts, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const call = { origin: 'internal' as const };

async function dispatch<T>(core: Core, method: string, input: unknown): Promise<T> {
  const reply: Envelope<unknown> = await core.dispatch(method, input, call);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

let fleet: SshHosts | undefined;
let dataDir = '';
const N = 30;
const DROPPED = /drop(ping)? connection|MaxStartups|beginning MaxStartups throttling/i;
afterAll(async () => {
  await fleet?.stopAll();
  await cleanupTempDirs();
});

describe('daily check: 30 hosts behind one sshd', () => {
  it('reaches every host and sshd drops no connection (default MaxStartups)', async () => {
    fleet = await startSshHosts(1, { namePrefix: 'crowd', firstOctet: 60 });
    const sshd = fleet.hosts[0]!;
    expect(sshd.readLog()).not.toMatch(/MaxStartups/i); // the fixture does not change it
    dataDir = await makeTempDir('rfc-check-crowd-');
    const core = await createCore({
      dataDir,
      mode: 'serve',
      version: 'test',
      demo: false,
      resticBinary: resticBinaries().at(-1)!.path,
      log: () => undefined,
    });
    try {
      for (let i = 1; i <= N; i++) {
        const added = await dispatch<{ host: { id: string } }>(core, 'hosts.add', {
          host: { name: `crowd-${i}`, address: sshd.address, port: sshd.port, user: sshd.user, resticPath: resticBinaries().at(-1)!.path },
          key: { kind: 'paste', privateKey: sshd.privateKey },
        });
        await dispatch(core, 'hosts.pinKey', {
          id: added.host.id,
          fingerprint: sshd.hostKeyFingerprintSha256,
        });
      }
      const logBefore = sshd.readLog().length;
      const started = await dispatch<{ jobId: string; checkId: string }>(core, 'fleet.dailyCheck', {});
      let job: JobRecord;
      const deadline = Date.now() + 100_000;
      for (;;) {
        job = (await dispatch<{ job: JobRecord }>(core, 'jobs.get', { id: started.jobId })).job;
        if (!['queued', 'running'].includes(job.status) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(job.status).toBe('succeeded');
      const { items } = await dispatch<{ items: DailyCheckItem[] }>(core, 'fleet.check', {
        id: started.checkId,
      });
      const notOk = items.filter((i) => i.status !== 'ok').map((i) => `${i.hostName} ${i.item}: ${i.reason}`);
      expect(notOk).toEqual([]);
      expect(items.filter((i) => i.item === 'reachable')).toHaveLength(N);
      expect(items.filter((i) => i.item === 'restic')).toHaveLength(N);
      const log = sshd.readLog().slice(logBefore);
      expect(log).not.toMatch(DROPPED);
      // Every inventory host logged in (one pooled connection each).
      expect((log.match(/Accepted publickey/g) ?? []).length).toBeGreaterThanOrEqual(N);
    } finally {
      await core.close();
    }
  });

  it('still drops none when the check itself would open all 30 at once (the pool paces handshakes per endpoint)', async () => {
    const sshd = fleet!.hosts[0]!;
    const secrets = new FileSecretStore(path.join(dataDir, 'secrets'));
    const store = await openStore({ dataDir, secrets });
    const runners = new FleetRunners({ store, secrets });
    const jobs = new JobManager({ db: store.db });
    try {
      const resticBinary = resticBinaries().at(-1)!.path;
      const repos = new RepositoryService({
        inventory: new StoreInventory(store),
        secrets,
        runnerFor: (id) => runners.runnerFor(id),
        resticBinaryFor: async () => resticBinary,
        cacheDir: path.join(dataDir, 'restic-cache'),
      });
      const service = new DailyCheckService(
        { store, runners, repos, resticBinaryFor: async () => resticBinary, jobs },
        { concurrency: N, perHost: 2 },
      );
      const logBefore = sshd.readLog().length;
      const { jobId, checkId } = service.start();
      expect((await jobs.wait(jobId)).status).toBe('succeeded');
      const items = store.dailyChecks.items(checkId);
      expect(
        items.filter((i) => i.status !== 'ok').map((i) => `${i.hostName} ${i.item}: ${i.reason}`),
      ).toEqual([]);
      expect(store.dailyChecks.get(checkId).summary).toMatchObject({ hosts: N, ok: 2 * N, concurrency: N });
      expect(sshd.readLog().slice(logBefore)).not.toMatch(DROPPED);
    } finally {
      await jobs.close();
      await runners.close();
      store.close();
    }
  });
});
