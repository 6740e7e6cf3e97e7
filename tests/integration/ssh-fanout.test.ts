// Bounded fan-out against OpenSSH's MaxStartups: 30 host records behind
// one sshd, each with its own connection, a command on all of them at
// once. With the console's bounds no handshake is dropped — also against
// an sshd far stricter than the default — and the same sshd drops
// handshakes when the bounds are lifted (so the log check can fail).

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared';
import { FileSecretStore } from '../../electron/core/secrets/file-secret-store';
import { FleetRunners } from '../../electron/core/ssh/fleet-runners';
import type { SshLimits } from '../../electron/core/ssh/connection';
import { openStore, type Store } from '../../electron/core/store/store';
import { startSshHosts, type SshHost, type SshHosts } from '../support/sshd';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

// 127.0.0.150–151: this file's sshd instances.
const DEFAULT_OCTET = 150;
const STRICT_OCTET = 151;
const HOSTS = 30;
const DROPPED = /drop connection|exceeded MaxStartups/;

interface Outcome {
  ok: number;
  failures: ConsoleError[];
}

async function runEverywhere(runners: FleetRunners, ids: string[]): Promise<Outcome> {
  const results = await Promise.allSettled(
    ids.map(async (id) => {
      const runner = await runners.runnerFor(id);
      const proc = runner.start({ argv: ['echo', id] });
      let out = '';
      proc.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      proc.stderr.resume();
      const exit = await proc.exit;
      if (exit.code !== 0 || out !== `${id}\n`)
        throw new Error(`${id}: exit ${exit.code}, output ${JSON.stringify(out)}`);
    }),
  );
  const failures: ConsoleError[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    if (!(r.reason instanceof ConsoleError)) throw r.reason;
    failures.push(r.reason);
  }
  return { ok: results.length - failures.length, failures };
}

function accepted(host: SshHost): number {
  return host
    .readLog()
    .split('\n')
    .filter((l) => l.startsWith('Accepted publickey')).length;
}

describe(`${HOSTS} hosts behind one sshd`, () => {
  let normal: SshHosts;
  let strict: SshHosts;
  let store: Store;
  let secrets: FileSecretStore;
  const open: FleetRunners[] = [];

  async function records(prefix: string, host: SshHost): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 1; i <= HOSTS; i++) {
      const h = await store.hosts.create({
        name: `${prefix}-${i}`,
        address: host.address,
        port: host.port,
        user: host.user,
        authKind: 'key',
      });
      await store.hosts.setPrivateKey(h.id, host.privateKey);
      await store.hosts.pinHostKey(h.id, host.hostPublicKey);
      ids.push(h.id);
    }
    return ids;
  }

  function fleetRunners(limits?: Partial<SshLimits>): FleetRunners {
    const r = new FleetRunners({ store, secrets, ...(limits ? { limits } : {}) });
    open.push(r);
    return r;
  }

  beforeAll(async () => {
    normal = await startSshHosts(1, { namePrefix: 'fanout', firstOctet: DEFAULT_OCTET });
    // Drops every unauthenticated connection beyond 4 (the default starts dropping at 10).
    strict = await startSshHosts(1, {
      namePrefix: 'strict',
      firstOctet: STRICT_OCTET,
      extraConfig: ['MaxStartups 4'],
    });
    const dataDir = await makeTempDir('rfc-fanout-');
    secrets = new FileSecretStore(join(dataDir, 'secrets'));
    store = await openStore({ dataDir, secrets });
  });

  afterAll(async () => {
    await Promise.all(open.map((r) => r.close()));
    store?.close();
    await normal?.stopAll();
    await strict?.stopAll();
    await cleanupTempDirs();
  });

  it('default MaxStartups, default fan-out: all 30 succeed and sshd drops nothing', async () => {
    const host = normal.hosts[0]!;
    const ids = await records('web', host);
    const outcome = await runEverywhere(fleetRunners(), ids);
    expect(outcome.failures.map((f) => f.message)).toEqual([]);
    expect(outcome.ok).toBe(HOSTS);
    // One connection (one login) per host record, none dropped.
    expect(accepted(host)).toBe(HOSTS);
    expect(host.readLog()).not.toMatch(DROPPED);
  });

  it('an sshd with MaxStartups 4: still all 30, nothing dropped', async () => {
    const host = strict.hosts[0]!;
    const ids = await records('db', host);
    const outcome = await runEverywhere(fleetRunners(), ids);
    expect(outcome.failures.map((f) => f.message)).toEqual([]);
    expect(outcome.ok).toBe(HOSTS);
    expect(accepted(host)).toBe(HOSTS);
    expect(host.readLog()).not.toMatch(DROPPED);
  });

  it('the same sshd with the bounds lifted (and no retries) drops handshakes: the check above can fail', async () => {
    const host = strict.hosts[0]!;
    const ids = (await store.hosts.list()).filter((h) => h.name.startsWith('db-')).map((h) => h.id);
    expect(ids).toHaveLength(HOSTS);
    const outcome = await runEverywhere(
      fleetRunners({ handshakesPerEndpoint: HOSTS, fanOut: HOSTS, handshakeRetries: 0 }),
      ids,
    );
    expect(host.readLog()).toMatch(DROPPED);
    expect(outcome.failures.length).toBeGreaterThan(0);
    for (const f of outcome.failures) expect(f.code).toBe('HOST_UNREACHABLE');
  });
});
