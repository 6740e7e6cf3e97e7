/**
 * hosts.scanKey, hosts.pinKey, hosts.test: the host-key workflow and
 * "Test connection". A key is pinned only when the key the server offers
 * right now is the one whose fingerprint the user accepted; re-pinning a
 * changed key needs `replace` and is audited as such.
 */
import { ConsoleError } from '../../../shared';
import type { CoreContext } from '../context';
import type { Handlers } from '../rpc/dispatcher';
import { testHost } from '../ssh/host-test';
import { FINGERPRINT_RE } from '../store/host-keys';
import { audited } from './audited';
import { hostDetail } from './host-detail';

export function hostRemoteHandlers(
  ctx: CoreContext,
): Pick<Handlers, 'hosts.scanKey' | 'hosts.pinKey' | 'hosts.test'> {
  const { store, events } = ctx;
  const changed = () => {
    events.emit('invalidate', { scope: 'hosts' });
    events.emit('invalidate', { scope: 'audit' });
  };

  return {
    'hosts.scanKey': async ({ id }) => {
      const host = await store.hosts.get(id);
      try {
        const scan = await audited(ctx, 'hosts.scanKey', `host:${id}`, () => ctx.runners.scanKey(id), {
          name: host.name,
          ...(host.address ? { address: `${host.address}:${host.port ?? 22}` } : {}),
        });
        return {
          fingerprint: scan.fingerprint,
          algorithm: scan.algorithm,
          publicKey: scan.publicKey,
          pinned: scan.pinned,
          status: scan.status,
        };
      } finally {
        events.emit('invalidate', { scope: 'audit' });
      }
    },

    'hosts.pinKey': async ({ id, fingerprint, replace }) => {
      const host = await store.hosts.get(id);
      const previous = host.hostKey?.fingerprint;
      const repin = previous !== undefined && previous !== fingerprint;
      try {
        const record = await audited(
          ctx,
          repin ? 'hosts.repinKey' : 'hosts.pinKey',
          `host:${id}`,
          async () => {
            if (!FINGERPRINT_RE.test(fingerprint)) {
              throw new ConsoleError(
                'BAD_REQUEST',
                'Not a SHA256 fingerprint ("SHA256:" and 43 base64 characters).',
              );
            }
            const runners = ctx.runners;
            // What the server offers now, not what the user saw a while ago.
            const scan = await runners.scanKey(id);
            if (scan.fingerprint !== fingerprint) {
              throw new ConsoleError(
                'CONFLICT',
                `${host.name} now offers ${scan.fingerprint}, not the ${fingerprint} you accepted; nothing was pinned. Scan again and compare.`,
                { accepted: fingerprint, offered: scan.fingerprint },
              );
            }
            if (scan.status === 'changed' && !replace) {
              throw new ConsoleError(
                'HOST_KEY_CHANGED',
                `${host.name} already has a different pinned key (${scan.pinned}); replacing it must be asked for explicitly.`,
                { pinned: scan.pinned, offered: scan.fingerprint },
              );
            }
            const pinned = await store.hosts.pinHostKey(id, scan.publicKey, {
              expectedFingerprint: fingerprint,
              ...(replace ? { replace: true } : {}),
            });
            // Connections made under the old pin are not reused.
            runners.forget(id);
            return pinned;
          },
          {
            name: host.name,
            fingerprint,
            ...(previous ? { previous } : {}),
            ...(replace ? { replace: true } : {}),
          },
        );
        return hostDetail(record);
      } finally {
        changed();
      }
    },

    'hosts.test': async ({ id }) =>
      testHost(ctx.runners, id, { resticBinary: await ctx.resticBinaryFor(id) }),
  };
}
