/**
 * The minio area's part of the contract (issue 6): connections (the admin
 * secret only in the secret store), and each connection's health and usage.
 */
import { ConsoleError, type MinioStatus, type minioMethods } from '../../../shared';
import type { CoreContext } from '../context';
import { MinioAdmin } from '../minio/admin-client';
import {
  connectionConfig,
  minioSecretName,
  MinioConnectionStore,
  parseFields,
  toContract,
  type StoredConnection,
} from '../minio/connections';
import { connectionStatus } from '../minio/status';
import type { Handlers } from '../rpc/dispatcher';
import { audited, requireTypedConfirmation } from './audited';

/** Proves the key works before anything is stored: MINIO_UNREACHABLE / MINIO_AUTH_FAILED otherwise. */
async function checkAdminKey(fields: ReturnType<typeof parseFields>, secretKey: string): Promise<void> {
  await new MinioAdmin({
    endpoint: fields.endpoint,
    accessKey: fields.accessKey,
    secretKey,
    region: fields.region,
    ...(fields.caPem ? { caPem: fields.caPem } : {}),
    timeoutMs: 10_000,
  }).info();
}

function checkSecret(secretKey: string): void {
  if (secretKey.length < 8 || secretKey.length > 1024)
    throw new ConsoleError('BAD_REQUEST', 'A MinIO secret key has 8 to 1024 characters.');
}

export function minioHandlers(ctx: CoreContext): Pick<Handlers, keyof typeof minioMethods> {
  const store = new MinioConnectionStore(ctx.store.db);
  const audit = () => ctx.events.emit('invalidate', { scope: 'audit' });
  // One refresh per connection at a time: a second ask joins the first.
  const refreshes = new Map<string, Promise<MinioStatus>>();

  const refresh = (c: StoredConnection): Promise<MinioStatus> => {
    let p = refreshes.get(c.id);
    if (!p) {
      p = (async () => {
        const status = await connectionStatus(c, await connectionConfig(c, ctx.secrets));
        // The connection may have been removed meanwhile.
        if (store.list().some((x) => x.id === c.id)) store.saveStatus(status);
        return status;
      })().finally(() => refreshes.delete(c.id));
      refreshes.set(c.id, p);
    }
    return p;
  };

  return {
    'minio.list': async () => Promise.all(store.list().map((c) => toContract(c, ctx.secrets))),

    'minio.add': async (input) => {
      const result = await audited(
        ctx,
        'minio.add',
        `minio:${input.name}`,
        async () => {
          const fields = parseFields(input);
          checkSecret(input.secretKey);
          store.assertNameFree(fields.name);
          if (input.skipCheck !== true) await checkAdminKey(fields, input.secretKey);
          const c = store.insert(fields);
          try {
            await ctx.secrets.set(minioSecretName(c.id), input.secretKey);
          } catch (error) {
            store.remove(c.id);
            throw error;
          }
          return toContract(c, ctx.secrets);
        },
        { endpoint: input.endpoint, accessKey: input.accessKey, skipCheck: input.skipCheck === true },
      );
      audit();
      return result;
    },

    'minio.update': async (input) => {
      const result = await audited(
        ctx,
        'minio.update',
        `minio:${input.id}`,
        async () => {
          const current = store.get(input.id);
          const fields = parseFields({
            name: input.name ?? current.name,
            endpoint: input.endpoint ?? current.endpoint,
            accessKey: input.accessKey ?? current.accessKey,
            region: input.region ?? current.region,
            caPem: input.caPem === undefined ? current.caPem : input.caPem,
          });
          if (input.secretKey !== undefined) checkSecret(input.secretKey);
          store.assertNameFree(fields.name, current.id);
          const reachChanged =
            input.secretKey !== undefined ||
            fields.endpoint !== current.endpoint ||
            fields.accessKey !== current.accessKey ||
            fields.caPem !== current.caPem ||
            fields.region !== current.region;
          if (reachChanged && input.skipCheck !== true) {
            const secret = input.secretKey ?? (await ctx.secrets.get(minioSecretName(current.id)));
            if (secret === undefined)
              throw new ConsoleError('BAD_REQUEST', 'No secret key is stored for this connection: enter it.');
            await checkAdminKey(fields, secret);
          }
          if (input.secretKey !== undefined)
            await ctx.secrets.set(minioSecretName(current.id), input.secretKey);
          return toContract(store.update(current.id, fields), ctx.secrets);
        },
        { secretChanged: input.secretKey !== undefined },
      );
      audit();
      return result;
    },

    'minio.remove': async ({ id, confirm }) => {
      await audited(ctx, 'minio.remove', `minio:${id}`, async () => {
        const c = store.get(id);
        requireTypedConfirmation(c.name, confirm, 'this MinIO connection');
        store.remove(id);
        await ctx.secrets.delete(minioSecretName(id));
      });
      audit();
      return {};
    },

    'minio.status': async ({ id, refresh: fresh }) => {
      const c = store.get(id);
      if (fresh !== true) return store.lastStatus(id);
      return refresh(c);
    },
  };
}
