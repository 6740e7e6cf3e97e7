/** businesses.*, plans.*, hosts (inventory side) and repos.add/setPassword/remove. */
import { utils as ssh2Utils } from 'ssh2';
import { ConsoleError } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';
import { hostDetail } from './host-detail';
import { Repositories } from '../store/repositories';
import { Restic } from '../restic/restic';
import { audited, requireTypedConfirmation } from './audited';

type KeyMaterial = { kind: 'paste'; privateKey: string; passphrase?: string | undefined } | { kind: 'generate' };


/**
 * Stores a host's private key. A generated key is ed25519 in OpenSSH
 * format; only its public half leaves the core, for authorized_keys.
 */
async function applyKey(ctx: CoreContext, hostId: string, hostName: string, key: KeyMaterial): Promise<string | undefined> {
  if (key.kind === 'generate') {
    const pair = ssh2Utils.generateKeyPairSync('ed25519', { comment: `restic-fleet-console@${hostName}` });
    await ctx.store.hosts.setPrivateKey(hostId, pair.private);
    return pair.public;
  }
  const parsed = ssh2Utils.parseKey(key.privateKey, key.passphrase);
  if (parsed instanceof Error) {
    const needsPassphrase = /encrypted|passphrase/i.test(parsed.message);
    throw new ConsoleError(
      'HOST_AUTH_FAILED',
      needsPassphrase && !key.passphrase
        ? 'This private key is protected by a passphrase: enter it too.'
        : `This is not a usable private key (${parsed.message}).`,
    );
  }
  await ctx.store.hosts.setPrivateKey(hostId, key.privateKey, key.passphrase);
  return undefined;
}

export function inventoryHandlers(
  ctx: CoreContext,
): Pick<
  Handlers,
  | 'businesses.list'
  | 'businesses.add'
  | 'businesses.update'
  | 'businesses.remove'
  | 'hosts.list'
  | 'hosts.get'
  | 'hosts.add'
  | 'hosts.update'
  | 'hosts.setKey'
  | 'hosts.remove'
  | 'repos.add'
  | 'repos.setPassword'
  | 'repos.remove'
  | 'plans.list'
  | 'plans.add'
  | 'plans.update'
  | 'plans.remove'
> {
  const { store, events } = ctx;
  const changed = (scope: 'businesses' | 'hosts' | 'repos' | 'plans') => {
    events.emit('invalidate', { scope });
    events.emit('invalidate', { scope: 'audit' });
  };

  return {
    'businesses.list': async () => store.businesses.list(),
    'businesses.add': async (input) => {
      const business = await audited(ctx, 'businesses.add', `business:${input.name}`, () => store.businesses.create(input));
      changed('businesses');
      return business;
    },
    'businesses.update': async ({ id, patch }) => {
      const business = await audited(ctx, 'businesses.update', `business:${id}`, () => store.businesses.update(id, patch));
      changed('businesses');
      return business;
    },
    'businesses.remove': async ({ id, confirm }) => {
      await audited(ctx, 'businesses.remove', `business:${id}`, () => {
        requireTypedConfirmation(store.businesses.get(id).name, confirm, 'this business');
        store.businesses.remove(id);
      });
      changed('businesses');
      return {};
    },

    'hosts.list': async () => (await store.hosts.list()).map(hostDetail),
    'hosts.get': async ({ id }) => hostDetail(await store.hosts.get(id)),
    'hosts.add': async ({ host, key }) => {
      const result = await audited(ctx, 'hosts.add', `host:${host.name}`, async () => {
        const created = await store.hosts.create({ ...host, authKind: host.authKind ?? (key ? 'key' : 'agent') });
        try {
          const publicKey = key ? await applyKey(ctx, created.id, created.name, key) : undefined;
          return { host: hostDetail(await store.hosts.get(created.id)), ...(publicKey ? { publicKey } : {}) };
        } catch (error) {
          // A host whose key was refused is not left half-added.
          await store.hosts.remove(created.id);
          throw error;
        }
      });
      changed('hosts');
      return result;
    },
    'hosts.update': async ({ id, patch }) => {
      const record = await audited(ctx, 'hosts.update', `host:${id}`, () => store.hosts.update(id, patch));
      // A pooled connection was made with the old address, user or key.
      ctx.runners.forget(id);
      changed('hosts');
      return hostDetail(record);
    },
    'hosts.setKey': async ({ id, key }) => {
      const result = await audited(ctx, 'hosts.setKey', `host:${id}`, async () => {
        const host = await store.hosts.get(id);
        const publicKey = await applyKey(ctx, id, host.name, key);
        if (host.authKind !== 'key') await store.hosts.update(id, { authKind: 'key' });
        ctx.runners.forget(id);
        return { host: hostDetail(await store.hosts.get(id)), ...(publicKey ? { publicKey } : {}) };
      });
      changed('hosts');
      return result;
    },
    'hosts.remove': async ({ id, confirm }) => {
      await audited(ctx, 'hosts.remove', `host:${id}`, async () => {
        requireTypedConfirmation((await store.hosts.get(id)).name, confirm, 'this host');
        await store.hosts.remove(id);
        ctx.runners.forget(id);
      });
      changed('hosts');
      return {};
    },

    'repos.add': async (input) => {
      const repo = await audited(
        ctx,
        input.init ? 'repos.init' : 'repos.add',
        `repo:${input.name}`,
        async () => {
          // Check the repository (or create it) before anything is stored, so a
          // wrong password or a missing repository changes nothing.
          const restic = new Restic({
            runner: await ctx.runners.runnerFor(input.hostId),
            binary: await ctx.resticBinaryFor(input.hostId),
            repository: input.location,
            password: input.password,
            env: { ...(input.hostId === 'local' ? { RESTIC_CACHE_DIR: `${ctx.dataDir}/restic-cache` } : {}), ...input.env },
            ...(input.secretEnv ? { secretEnv: input.secretEnv } : {}),
          });
          if (input.init) await restic.init();
          else await restic.catConfig();
          const record = await store.repositories.create({
            name: input.name,
            location: input.location,
            hostId: input.hostId,
            ...(input.businessId ? { businessId: input.businessId } : {}),
            ...(input.role ? { role: input.role } : {}),
            ...(input.env ? { env: input.env } : {}),
          });
          await store.repositories.setPassword(record.id, input.password);
          // An S3 repository's keys: the console needs them again for every later command.
          if (input.secretEnv) await store.repositories.setSecretEnv(record.id, input.secretEnv);
          return Repositories.toDomain(await store.repositories.get(record.id));
        },
        { location: input.location, host: input.hostId },
      );
      changed('repos');
      return repo;
    },
    'repos.setPassword': async ({ id, password }) => {
      const record = await audited(ctx, 'repos.setPassword', `repo:${id}`, () => store.repositories.setPassword(id, password));
      changed('repos');
      return Repositories.toDomain(record);
    },
    'repos.remove': async ({ id, confirm }) => {
      await audited(ctx, 'repos.remove', `repo:${id}`, async () => {
        requireTypedConfirmation((await store.repositories.get(id)).name, confirm, 'this repository');
        await store.repositories.remove(id);
      });
      changed('repos');
      return {};
    },

    'plans.list': async (filter) => store.plans.list(filter),
    'plans.add': async (input) => {
      const plan = await audited(ctx, 'plans.add', `plan:${input.name}`, () => store.plans.create(input));
      changed('plans');
      return plan;
    },
    'plans.update': async ({ id, patch }) => {
      const plan = await audited(ctx, 'plans.update', `plan:${id}`, () => store.plans.update(id, patch));
      changed('plans');
      return plan;
    },
    'plans.remove': async ({ id }) => {
      await audited(ctx, 'plans.remove', `plan:${id}`, () => store.plans.remove(id));
      changed('plans');
      return {};
    },
  };
}
