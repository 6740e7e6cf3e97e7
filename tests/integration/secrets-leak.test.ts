/**
 * Secrets never land anywhere but the secret store: run the console's
 * flows with known secret values (repository passwords, a host key's
 * passphrase, S3-style keys), including failing ones, then search the
 * data directory, the core's log, job records, the audit log and every
 * event for each value. Zero hits.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared';
import { createCore } from '../../electron/core/app';
import { resticBinaries } from '../support/peers';
import { cleanupTempDirs, makeTempDir } from '../support/tmp';

const run = promisify(execFile);
const ctx = { origin: 'internal' as const };

function value<T>(reply: Envelope<unknown>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`);
  return reply.value as T;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

afterAll(cleanupTempDirs);

describe('secrets stay in the secret store', () => {
  it('leaves no trace of any secret value after the flows, good and bad', async () => {
    const restic = resticBinaries().at(-1)!.path;
    const unique = () => `S3cr3t-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
    const secrets = {
      repoPassword: unique(),
      wrongPassword: unique(),
      newPassword: unique(),
      awsKey: `AKIA${unique().toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 16)}`,
      awsSecret: unique(),
      keyPassphrase: unique(),
    };

    const dataDir = await makeTempDir('rfc-secrets-data-');
    const work = await makeTempDir('rfc-secrets-work-');
    const repoDir = path.join(work, 'repo');
    const source = path.join(work, 'source');
    await fs.mkdir(source);
    await fs.writeFile(path.join(source, 'file.txt'), 'data');
    await run(restic, ['init', '-q'], { env: { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: secrets.repoPassword } });
    await run(restic, ['backup', '-q', source], { env: { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: secrets.repoPassword } });

    const logLines: string[] = [];
    const core = await createCore({ dataDir, mode: 'serve', version: 'test', demo: false, resticBinary: restic, log: (m) => logLines.push(m) });
    const events: string[] = [];
    core.events.subscribe((message) => events.push(JSON.stringify(message)));

    // A wrong password first: refused, nothing stored.
    const refused = await core.dispatch(
      'repos.add',
      { name: 'Repo', location: repoDir, hostId: 'local', password: secrets.wrongPassword, secretEnv: { AWS_SECRET_ACCESS_KEY: secrets.awsSecret } },
      ctx,
    );
    expect(refused.ok).toBe(false);
    expect(value<unknown[]>(await core.dispatch('repos.list', {}, ctx))).toEqual([]);

    const repo = value<{ id: string }>(
      await core.dispatch(
        'repos.add',
        {
          name: 'Repo',
          location: repoDir,
          hostId: 'local',
          password: secrets.repoPassword,
          secretEnv: { AWS_ACCESS_KEY_ID: secrets.awsKey, AWS_SECRET_ACCESS_KEY: secrets.awsSecret },
        },
        ctx,
      ),
    );
    value(await core.dispatch('snapshots.list', { repoId: repo.id }, ctx));
    value(await core.dispatch('repos.setPassword', { id: repo.id, password: secrets.newPassword }, ctx));
    // With the new (wrong) password the listing fails with a typed error whose text must not carry it.
    const wrong = await core.dispatch('snapshots.list', { repoId: repo.id }, ctx);
    expect(wrong.ok).toBe(false);

    // A host with a passphrase-protected generated key.
    const keyFile = path.join(work, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', secrets.keyPassphrase, '-f', keyFile]);
    const privateKey = await fs.readFile(keyFile, 'utf8');
    value(
      await core.dispatch(
        'hosts.add',
        {
          host: { name: 'web-1', address: '127.0.0.250', port: 22, user: 'backup' },
          key: { kind: 'paste', privateKey, passphrase: secrets.keyPassphrase },
        },
        ctx,
      ),
    );
    const replies = [
      JSON.stringify(await core.dispatch('jobs.list', {}, ctx)),
      JSON.stringify(await core.dispatch('audit.list', {}, ctx)),
      JSON.stringify(await core.dispatch('audit.export', {}, ctx)),
      JSON.stringify(await core.dispatch('repos.list', {}, ctx)),
      JSON.stringify(await core.dispatch('hosts.list', {}, ctx)),
      JSON.stringify(wrong),
      JSON.stringify(refused),
    ];
    await core.close();

    const haystacks: Array<{ where: string; text: Buffer }> = [];
    for (const file of await filesUnder(dataDir)) haystacks.push({ where: path.relative(dataDir, file), text: await fs.readFile(file) });
    haystacks.push({ where: 'core log', text: Buffer.from(logLines.join('\n')) });
    haystacks.push({ where: 'events', text: Buffer.from(events.join('\n')) });
    haystacks.push({ where: 'replies', text: Buffer.from(replies.join('\n')) });

    const hits: string[] = [];
    for (const [name, secret] of Object.entries(secrets)) {
      for (const { where, text } of haystacks) {
        if (text.includes(Buffer.from(secret))) hits.push(`${name} in ${where}`);
      }
    }
    expect(hits).toEqual([]);
    // The check is only meaningful if there was something to search.
    expect(haystacks.some((h) => h.where.endsWith('console.db'))).toBe(true);
    expect(events.length).toBeGreaterThan(0);
  });
});
